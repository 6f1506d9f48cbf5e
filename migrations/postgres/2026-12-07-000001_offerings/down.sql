DROP TABLE integration_key;
DROP TABLE enrollment_custom_value;
DROP TABLE custom_field;
DROP INDEX app_user_email_lower;
DROP TABLE enrollment_offering;
DROP TABLE offering;
DROP TABLE classroom;
