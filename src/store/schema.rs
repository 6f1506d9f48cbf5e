//! Table definitions shared by the SQLite and PostgreSQL migrations (same names, same types).

diesel::table! {
    tenant (id) {
        id -> BigInt,
        name -> Text,
        account_url -> Nullable<Text>,
        created_at -> Timestamp,
        rhythm_id -> Nullable<Text>,
    }
}

diesel::table! {
    department (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        parent_id -> Nullable<BigInt>,
        name -> Text,
        code -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    app_user (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        department_id -> BigInt,
        login -> Text,
        email -> Nullable<Text>,
        first_name -> Nullable<Text>,
        last_name -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        role -> Text,
        status -> SmallInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        current_portal_id -> Nullable<BigInt>,
        scim_external_id -> Nullable<Text>,
        display_name -> Nullable<Text>,
        email_type -> Nullable<Text>,
        employee_number -> Nullable<Text>,
        manager_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    user_managed_department (user_id, department_id) {
        user_id -> BigInt,
        department_id -> BigInt,
    }
}

diesel::table! {
    course (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        title -> Text,
        subtitle -> Nullable<Text>,
        description -> Nullable<Text>,
        content_type -> Text,
        default_due_period_hours -> Nullable<Integer>,
        created_at -> Timestamp,
        slug -> Nullable<Text>,
        instructions -> Nullable<Text>,
        featured_image_url -> Nullable<Text>,
        estimated_minutes -> Nullable<Integer>,
        certificate_template_id -> Nullable<BigInt>,
        certificate_valid_days -> Nullable<Integer>,
    }
}

diesel::table! {
    user_group (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        name -> Text,
        created_at -> Timestamp,
        scim_external_id -> Nullable<Text>,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_group_member (group_id, user_id) {
        group_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    enrollment (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        source -> Text,
        learner_id -> BigInt,
        course_id -> BigInt,
        access_date -> Timestamp,
        due_date -> Nullable<Date>,
        lock_after_due_date -> Bool,
        enrollment_type_group -> SmallInt,
        lifecycle -> Text,
        completion_status -> Text,
        progress -> SmallInt,
        completed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        access_revoked_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
        last_accessed_at -> Nullable<Timestamp>,
        time_spent_seconds -> BigInt,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    course_enrollment_totals (course_id, tenant_id) {
        course_id -> BigInt,
        tenant_id -> BigInt,
        enrolled -> BigInt,
        not_started -> BigInt,
        completed -> BigInt,
    }
}

diesel::table! {
    certificate (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        enrollment_id -> BigInt,
        external_id -> Text,
        issued_at -> Timestamp,
        issued_offset_minutes -> Integer,
        expires_at -> Nullable<Timestamp>,
        expires_offset_minutes -> Nullable<Integer>,
    }
}

diesel::table! {
    api_client (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        client_id -> Text,
        secret_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_client_department (api_client_id, department_id) {
        api_client_id -> BigInt,
        department_id -> BigInt,
    }
}

diesel::table! {
    access_token (token_hash) {
        token_hash -> Text,
        api_client_id -> BigInt,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    classroom (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        location -> Nullable<Text>,
        capacity -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    offering (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        course_id -> BigInt,
        external_id -> Nullable<Text>,
        name -> Text,
        description -> Nullable<Text>,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        location_type -> Nullable<SmallInt>,
        classroom_id -> Nullable<BigInt>,
        capacity -> Nullable<Integer>,
        late_cancel_hours -> Nullable<Integer>,
        confirmation_status -> SmallInt,
        delivery_type -> SmallInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        fee_amount -> Nullable<Double>,
        fee_currency -> Nullable<Text>,
    }
}

diesel::table! {
    enrollment_offering (enrollment_id) {
        enrollment_id -> BigInt,
        tenant_id -> BigInt,
        offering_id -> BigInt,
        learner_id -> BigInt,
        external_id -> Nullable<Text>,
        enrollment_status -> SmallInt,
        completion_status -> SmallInt,
        late_cancel -> Bool,
        retake -> Bool,
        location_type -> Nullable<SmallInt>,
        classroom_id -> Nullable<BigInt>,
        hours_spent -> Nullable<Integer>,
        grade -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    custom_field (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        applies_to -> Text,
        name -> Text,
        data_type -> SmallInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    enrollment_custom_value (enrollment_id, custom_field_id) {
        enrollment_id -> BigInt,
        custom_field_id -> BigInt,
        text_value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    integration_key (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        face -> Text,
        key_hash -> Text,
        key_prefix -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        user_id -> Nullable<BigInt>,
        role -> Nullable<Text>,
    }
}

diesel::table! {
    registration_process (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        name -> Text,
        is_active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    registration_process_course (process_id, course_id) {
        process_id -> BigInt,
        course_id -> BigInt,
    }
}

diesel::table! {
    sales_order (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        number -> BigInt,
        status -> Text,
        bill_to_id -> Nullable<BigInt>,
        currency_code -> Text,
        currency_symbol -> Text,
        total -> Double,
        amount_paid -> Double,
        balance_due -> Double,
        created_at -> Timestamp,
    }
}

diesel::table! {
    certification_application (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        learner_id -> BigInt,
        #[sql_name = "type"]
        kind -> Text,
        review_status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_registration (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        learner_id -> BigInt,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    enrollment_rhythm (enrollment_id) {
        enrollment_id -> BigInt,
        tenant_id -> BigInt,
        learner_id -> BigInt,
        course_id -> BigInt,
        offering_id -> BigInt,
        status -> Text,
        order_id -> Nullable<BigInt>,
        application_id -> Nullable<BigInt>,
        event_registration_id -> Nullable<BigInt>,
        process_id -> Nullable<BigInt>,
        name -> Text,
        email_address -> Nullable<Text>,
        job_title -> Nullable<Text>,
        city -> Nullable<Text>,
        state -> Nullable<Text>,
        order_number -> Nullable<Double>,
        order_balance_due -> Nullable<Double>,
        order_amount_paid -> Nullable<Double>,
        order_status -> Nullable<Text>,
        order_total -> Nullable<Double>,
        training_provider_id -> Nullable<Text>,
        training_location_id -> Nullable<Text>,
        arrival_date -> Nullable<Timestamp>,
        departure_date -> Nullable<Timestamp>,
        registered_at -> Nullable<Timestamp>,
        sys_version -> BigInt,
        sys_locked -> Bool,
        sys_created_at -> Timestamp,
        sys_last_modified_at -> Timestamp,
        sys_created_by_id -> Text,
        sys_last_modified_by_id -> Text,
        details -> Text,
        student_external_id -> Text,
        course_external_id -> Text,
        offering_external_id -> Text,
        order_external_id -> Nullable<Text>,
        application_external_id -> Nullable<Text>,
        event_registration_external_id -> Nullable<Text>,
        process_external_id -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    certificate_template (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    course_module (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        course_id -> BigInt,
        position -> Integer,
        name -> Text,
        slug -> Text,
        kind -> Text,
        total_marks -> Nullable<Integer>,
    }
}

diesel::table! {
    module_progress (id) {
        id -> BigInt,
        enrollment_id -> BigInt,
        module_id -> BigInt,
        status -> Text,
        started_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        last_accessed_at -> Nullable<Timestamp>,
        time_spent_seconds -> BigInt,
        times_accessed -> Integer,
        obtained_marks -> Nullable<Integer>,
    }
}

diesel::table! {
    portal (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        path -> Text,
        name -> Text,
        slug -> Text,
        referral_code -> Nullable<Text>,
        total_seats -> Nullable<Integer>,
        seat_access -> Nullable<Text>,
        access_permission -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        is_active -> Bool,
        brand_color -> Nullable<Text>,
        body_background_color -> Nullable<Text>,
        body_text_color -> Nullable<Text>,
        primary_language -> Nullable<Text>,
        expiry_message -> Nullable<Text>,
        logo_image_url -> Nullable<Text>,
        mini_logo_image_url -> Nullable<Text>,
        header_background_color -> Nullable<Text>,
        custom_style -> Nullable<Text>,
        custom_font -> Nullable<Text>,
        custom_code -> Nullable<Text>,
        learner_dashboard -> Nullable<Integer>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    portal_user (portal_id, kind, user_id) {
        portal_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        is_active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    portal_course (portal_id, course_id) {
        portal_id -> BigInt,
        course_id -> BigInt,
        is_public -> Bool,
    }
}

diesel::table! {
    portal_blocked_domain (portal_id, domain) {
        portal_id -> BigInt,
        domain -> Text,
    }
}

diesel::table! {
    learning_path (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        slug -> Text,
        status -> Text,
        instructions -> Nullable<Text>,
        credits -> Nullable<Integer>,
        certificate_template_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    learning_path_course (learning_path_id, course_id) {
        learning_path_id -> BigInt,
        course_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    portal_learning_path (portal_id, learning_path_id) {
        portal_id -> BigInt,
        learning_path_id -> BigInt,
        is_public -> Bool,
    }
}

diesel::table! {
    learning_path_enrollment (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        learning_path_id -> BigInt,
        learner_id -> BigInt,
        lifecycle -> Text,
        registered_at -> Timestamp,
        last_accessed_at -> Nullable<Timestamp>,
        certificate_issued_at -> Nullable<Timestamp>,
        certificate_expires_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    activity (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        verb -> Text,
        learner_id -> BigInt,
        course_id -> Nullable<BigInt>,
        learning_path_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webinar (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        course_id -> BigInt,
        name -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        location -> Nullable<Text>,
        instructor -> Nullable<Text>,
    }
}

diesel::table! {
    webinar_registration (webinar_id, enrollment_id) {
        webinar_id -> BigInt,
        enrollment_id -> BigInt,
        status -> Text,
        notes -> Nullable<Text>,
        attendance -> Nullable<Text>,
        recording_type -> Nullable<Text>,
        recorded_at -> Nullable<Timestamp>,
        registered_at -> Timestamp,
        last_accessed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    membership (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        expired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_membership (user_id) {
        user_id -> BigInt,
        membership_id -> BigInt,
        expired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    course_auto_enroll (tenant_id, course_id) {
        tenant_id -> BigInt,
        course_id -> BigInt,
    }
}

diesel::joinable!(department -> tenant (tenant_id));
diesel::joinable!(app_user -> department (department_id));
diesel::joinable!(enrollment -> app_user (learner_id));
diesel::joinable!(enrollment -> course (course_id));
diesel::joinable!(certificate -> enrollment (enrollment_id));
diesel::joinable!(access_token -> api_client (api_client_id));
diesel::joinable!(user_group_member -> user_group (group_id));
diesel::joinable!(user_group_member -> app_user (user_id));
diesel::joinable!(user_managed_department -> department (department_id));
diesel::joinable!(offering -> course (course_id));
diesel::joinable!(enrollment_offering -> enrollment (enrollment_id));
diesel::joinable!(enrollment_offering -> offering (offering_id));
diesel::joinable!(enrollment_custom_value -> custom_field (custom_field_id));
diesel::joinable!(enrollment_rhythm -> enrollment (enrollment_id));
diesel::joinable!(enrollment_rhythm -> offering (offering_id));
diesel::joinable!(enrollment_rhythm -> course (course_id));
diesel::joinable!(enrollment_rhythm -> sales_order (order_id));
diesel::joinable!(enrollment_rhythm -> certification_application (application_id));
diesel::joinable!(enrollment_rhythm -> event_registration (event_registration_id));
diesel::joinable!(enrollment_rhythm -> registration_process (process_id));
diesel::joinable!(registration_process_course -> registration_process (process_id));
diesel::joinable!(course_module -> course (course_id));
diesel::joinable!(module_progress -> course_module (module_id));
diesel::joinable!(module_progress -> enrollment (enrollment_id));
diesel::joinable!(portal_user -> portal (portal_id));
diesel::joinable!(portal_user -> app_user (user_id));
diesel::joinable!(portal_course -> portal (portal_id));
diesel::joinable!(learning_path_course -> learning_path (learning_path_id));
diesel::joinable!(learning_path_enrollment -> learning_path (learning_path_id));
diesel::joinable!(webinar_registration -> webinar (webinar_id));

diesel::table! {
    change_event (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        kind -> SmallInt,
        subject_id -> BigInt,
        related_id -> Nullable<BigInt>,
        reference -> Nullable<Text>,
        occurred_at -> Timestamp,
        position -> Nullable<BigInt>,
        data -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_subscription (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        face -> Text,
        url -> Text,
        events -> Text,
        secret -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_delivery (id) {
        id -> BigInt,
        subscription_id -> BigInt,
        event_id -> BigInt,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        payload -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_delivery -> webhook_subscription (subscription_id));
diesel::joinable!(webhook_delivery -> change_event (event_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenant,
    department,
    app_user,
    user_managed_department,
    course,
    user_group,
    user_group_member,
    enrollment,
    course_enrollment_totals,
    certificate,
    api_client,
    api_client_department,
    access_token,
    classroom,
    offering,
    enrollment_offering,
    custom_field,
    enrollment_custom_value,
    integration_key,
    registration_process,
    registration_process_course,
    sales_order,
    certification_application,
    event_registration,
    enrollment_rhythm,
    outbox,
    certificate_template,
    course_module,
    module_progress,
    portal,
    portal_user,
    portal_course,
    portal_blocked_domain,
    learning_path,
    learning_path_course,
    portal_learning_path,
    learning_path_enrollment,
    activity,
    webinar,
    webinar_registration,
    membership,
    user_membership,
    course_auto_enroll,
    change_event,
    webhook_subscription,
    webhook_delivery,
);

// Keepnet Labs: companies, credentials, campaigns and what their mail did. Queries that join them
// with the core tables are written in SQL (store::keepnet), so only their own pairs are allowed here.
diesel::table! {
    keepnet_company (tenant_id) {
        tenant_id -> BigInt,
        resource_id -> Text,
        parent_id -> Nullable<BigInt>,
        industry_name -> Nullable<Text>,
        industry_resource_id -> Nullable<Text>,
        license_type_name -> Text,
        license_type_resource_id -> Nullable<Text>,
        is_number_of_users_limited -> Bool,
        number_of_users -> Integer,
        license_end_date -> Nullable<Timestamp>,
        privacy_duration_id -> Integer,
        tags -> Text,
        logo_path -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    keepnet_client (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        client_id -> Text,
        secret_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    keepnet_token (token_hash) {
        token_hash -> Text,
        keepnet_client_id -> BigInt,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    keepnet_signing_key (id) {
        id -> BigInt,
        secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    keepnet_campaign (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        external_id -> Text,
        course_id -> BigInt,
        name -> Text,
        enrollment_type -> Text,
        status -> Text,
        delivery_type -> Text,
        recipient_type -> Text,
        enrolled_by -> Text,
        category -> Nullable<Text>,
        target_audience -> Nullable<Text>,
        level -> Nullable<Text>,
        duration -> Nullable<Text>,
        languages -> Text,
        tags -> Text,
        has_quiz -> Bool,
        award_certificate -> Bool,
        is_test -> Bool,
        start_date -> Timestamp,
        time_zone -> Text,
        due_date -> Nullable<Timestamp>,
        reminder_period_count -> Nullable<Integer>,
        reminder_period_type -> Nullable<Text>,
        reminder_end_type -> Nullable<Text>,
        reminder_occurrence_count -> Nullable<Integer>,
        reminder_stop_time -> Nullable<Timestamp>,
        created_at -> Timestamp,
        reminded_occurrence -> Nullable<Integer>,
    }
}

diesel::table! {
    keepnet_assignment (enrollment_id) {
        enrollment_id -> BigInt,
        tenant_id -> BigInt,
        campaign_id -> BigInt,
        outbox_id -> Nullable<BigInt>,
        first_send_date -> Nullable<Timestamp>,
        last_send_date -> Nullable<Timestamp>,
        last_sending_status -> Text,
        error_message -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    keepnet_reminder_mail (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        campaign_id -> BigInt,
        enrollment_id -> BigInt,
        outbox_id -> Nullable<BigInt>,
        email -> Text,
        first_send_date -> Nullable<Timestamp>,
        last_send_date -> Nullable<Timestamp>,
        last_sending_status -> Text,
        error_message -> Nullable<Text>,
        created_at -> Timestamp,
        occurrence -> Nullable<Integer>,
    }
}

diesel::table! {
    keepnet_notification (id) {
        id -> BigInt,
        tenant_id -> BigInt,
        campaign_id -> BigInt,
        enrollment_id -> BigInt,
        #[sql_name = "type"]
        kind -> Text,
        status -> Text,
        activity_content -> Nullable<Text>,
        first_send_date -> Nullable<Timestamp>,
        last_send_date -> Nullable<Timestamp>,
        last_sending_status -> Nullable<Text>,
        error_message -> Nullable<Text>,
        retry_count -> Integer,
        max_retry_count -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    keepnet_certificate_mail (enrollment_id) {
        enrollment_id -> BigInt,
        tenant_id -> BigInt,
        campaign_id -> BigInt,
        outbox_id -> Nullable<BigInt>,
        email -> Text,
        first_send_time -> Nullable<Timestamp>,
        last_send_time -> Nullable<Timestamp>,
        status -> Text,
        created_at -> Timestamp,
        error_message -> Nullable<Text>,
    }
}

diesel::table! {
    keepnet_certificate_due (enrollment_id) {
        enrollment_id -> BigInt,
    }
}

diesel::joinable!(keepnet_token -> keepnet_client (keepnet_client_id));

diesel::allow_tables_to_appear_in_same_query!(
    keepnet_company,
    keepnet_client,
    keepnet_token,
    keepnet_signing_key,
    keepnet_campaign,
    keepnet_assignment,
    keepnet_reminder_mail,
    keepnet_notification,
    keepnet_certificate_mail,
    keepnet_certificate_due,
);
