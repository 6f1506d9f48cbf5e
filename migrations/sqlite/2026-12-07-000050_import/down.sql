DROP TABLE import_refusal;
DROP TABLE import_job;
