-- Class enrollments are looked up by the caller's external id (Skillable's
-- GetClassEnrollmentByExternalId, the JSON mirror's externalId filter).
CREATE INDEX enrollment_offering_external ON enrollment_offering (tenant_id, external_id, enrollment_id);
