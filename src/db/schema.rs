//! Hand-written so that both backends share one set of types (see docs in `migrations/`).

diesel::table! {
    organizations (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        time_zone -> Text,
    }
}

diesel::table! {
    units (id) {
        id -> Text,
        organization_id -> Text,
        parent_id -> Nullable<Text>,
        code -> Text,
        name -> Text,
        kind -> Text,
        is_service_unit -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    employees (id) {
        id -> Text,
        organization_id -> Text,
        unit_id -> Text,
        supervisor_id -> Nullable<Text>,
        nip -> Text,
        name -> Text,
        position -> Text,
        job_level -> Text,
        roles -> Text,
        password_hash -> Nullable<Text>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_clients (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        client_id -> Text,
        secret_hash -> Text,
        scopes -> Text,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        employee_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        organization_id -> Text,
        seq -> Nullable<BigInt>,
        occurred_at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Text,
        action -> Text,
        resource_type -> Text,
        resource_id -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        request_id -> Nullable<Text>,
        content_hash -> Nullable<Text>,
        prev_hash -> Nullable<Text>,
        hash -> Nullable<Text>,
        sealed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_heads (organization_id) {
        organization_id -> Text,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    idempotency_keys (principal, idempotency_key) {
        principal -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Integer,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    periods (id) {
        id -> Text,
        organization_id -> Text,
        year -> Integer,
        frequency -> Text,
        status -> Text,
        starts_on -> Date,
        ends_on -> Date,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sub_periods (id) {
        id -> Text,
        period_id -> Text,
        seq -> Integer,
        label -> Text,
        starts_on -> Date,
        ends_on -> Date,
    }
}

diesel::table! {
    scoring_policies (id) {
        id -> Text,
        organization_id -> Text,
        version -> Integer,
        policy -> Text,
        note -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    skps (id) {
        id -> Text,
        organization_id -> Text,
        period_id -> Text,
        employee_id -> Text,
        revision -> Integer,
        status -> Text,
        resources -> Text,
        accountability -> Text,
        consequences -> Text,
        approver_id -> Nullable<Text>,
        return_comment -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    skp_targets (id) {
        id -> Text,
        skp_id -> Text,
        lineage_id -> Text,
        position -> Integer,
        description -> Text,
        kind -> Text,
        perspective -> Nullable<Text>,
        weight -> Double,
        supports_lineage_id -> Nullable<Text>,
    }
}

diesel::table! {
    skp_indicators (id) {
        id -> Text,
        target_id -> Text,
        position -> Integer,
        description -> Text,
    }
}

diesel::table! {
    skp_aspects (id) {
        id -> Text,
        indicator_id -> Text,
        aspect -> Text,
        target_value -> Double,
        unit -> Text,
    }
}

diesel::table! {
    peer_assignments (id) {
        id -> Text,
        organization_id -> Text,
        period_id -> Text,
        ratee_id -> Text,
        rater_id -> Text,
        rater_group -> Text,
        assigned_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    peer_ratings (assignment_id) {
        assignment_id -> Text,
        berorientasi_pelayanan -> Integer,
        akuntabel -> Integer,
        kompeten -> Integer,
        harmonis -> Integer,
        loyal -> Integer,
        adaptif -> Integer,
        kolaboratif -> Integer,
        comment -> Nullable<Text>,
        submitted_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rating_tickets (id) {
        id -> Text,
        organization_id -> Text,
        unit_id -> Text,
        officer_id -> Nullable<Text>,
        issued_by -> Text,
        reference -> Nullable<Text>,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    citizen_ratings (id) {
        id -> Text,
        organization_id -> Text,
        unit_id -> Text,
        officer_id -> Nullable<Text>,
        ticket_id -> Text,
        persyaratan -> Integer,
        prosedur -> Integer,
        waktu_penyelesaian -> Integer,
        biaya_tarif -> Integer,
        produk_layanan -> Integer,
        kompetensi_pelaksana -> Integer,
        perilaku_pelaksana -> Integer,
        penanganan_pengaduan -> Integer,
        sarana_prasarana -> Integer,
        comment -> Nullable<Text>,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    rate_limits (bucket, window_start) {
        bucket -> Text,
        window_start -> BigInt,
        hits -> Integer,
    }
}

diesel::table! {
    login_failures (nip) {
        nip -> Text,
        failures -> Integer,
        last_failed_at -> BigInt,
        locked_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    reporting_lines (id) {
        id -> Text,
        organization_id -> Text,
        employee_id -> Text,
        unit_id -> Text,
        supervisor_id -> Nullable<Text>,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        reason -> Text,
        changed_by_kind -> Text,
        changed_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    achievements (id) {
        id -> Text,
        organization_id -> Text,
        period_id -> Text,
        sub_period_id -> Text,
        employee_id -> Text,
        skp_id -> Text,
        target_lineage_id -> Text,
        indicator_id -> Text,
        aspect_id -> Text,
        aspect -> Text,
        realised_value -> Double,
        unit -> Text,
        note -> Text,
        status -> Text,
        submitted_at -> Timestamp,
        verifier_id -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    achievement_evidence (id) {
        id -> Text,
        achievement_id -> Text,
        kind -> Text,
        title -> Text,
        url -> Nullable<Text>,
        file_name -> Nullable<Text>,
        content_type -> Nullable<Text>,
        size_bytes -> Nullable<BigInt>,
        sha256 -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evidence_files (evidence_id) {
        evidence_id -> Text,
        content -> Binary,
    }
}

diesel::table! {
    feedback_threads (id) {
        id -> Text,
        organization_id -> Text,
        employee_id -> Text,
        supervisor_id -> Text,
        target_lineage_id -> Nullable<Text>,
        achievement_id -> Nullable<Text>,
        message_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    feedback_messages (id) {
        id -> Text,
        thread_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    assessments (id) {
        id -> Text,
        organization_id -> Text,
        period_id -> Text,
        sub_period_id -> Nullable<Text>,
        employee_id -> Text,
        author_id -> Text,
        kind -> Text,
        status -> Text,
        results_rating -> Nullable<Text>,
        behaviour_rating -> Nullable<Text>,
        comment -> Text,
        reason -> Nullable<Text>,
        coaching -> Nullable<Text>,
        recognition -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assessment_scores (assessment_id, berakhlak_value) {
        assessment_id -> Text,
        berakhlak_value -> Text,
        score -> Integer,
    }
}

diesel::table! {
    assessment_training_needs (id) {
        id -> Text,
        assessment_id -> Text,
        position -> Integer,
        topic -> Text,
        note -> Text,
    }
}

diesel::table! {
    objections (id) {
        id -> Text,
        organization_id -> Text,
        assessment_id -> Text,
        employee_id -> Text,
        assessor_id -> Text,
        decider_id -> Nullable<Text>,
        decider_kind -> Text,
        reason -> Text,
        status -> Text,
        outcome -> Nullable<Text>,
        decision_reason -> Nullable<Text>,
        final_results_rating -> Nullable<Text>,
        final_behaviour_rating -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        filed_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Changes to an organisation's rows every live score of it reads, counted by triggers
    /// (src/scores/kept.rs).
    score_context_changes (organization_id) {
        organization_id -> Text,
        change_count -> BigInt,
    }
}

diesel::table! {
    /// Changes to an employee's score inputs, counted by triggers (src/scores/kept.rs).
    score_input_changes (employee_id) {
        employee_id -> Text,
        change_count -> BigInt,
    }
}

diesel::table! {
    score_snapshots (id) {
        id -> Text,
        organization_id -> Text,
        period_id -> Text,
        snapshot -> Integer,
        frozen_at -> Timestamp,
        employee_id -> Text,
        scope -> Text,
        employee_name -> Text,
        nip -> Text,
        unit_id -> Text,
        skp_id -> Nullable<Text>,
        skp_revision -> Nullable<Integer>,
        policy_version -> Integer,
        inputs -> Nullable<Text>,
        result -> Nullable<Text>,
        packed_inputs -> Nullable<Binary>,
        packed_result -> Nullable<Binary>,
        figures -> Nullable<Text>,
    }
}

diesel::joinable!(assessment_scores -> assessments (assessment_id));
diesel::joinable!(assessment_training_needs -> assessments (assessment_id));
diesel::joinable!(objections -> assessments (assessment_id));
diesel::joinable!(units -> organizations (organization_id));
diesel::joinable!(peer_ratings -> peer_assignments (assignment_id));
diesel::joinable!(skps -> employees (employee_id));
diesel::joinable!(skp_targets -> skps (skp_id));
diesel::joinable!(skp_indicators -> skp_targets (target_id));
diesel::joinable!(skp_aspects -> skp_indicators (indicator_id));
diesel::joinable!(sub_periods -> periods (period_id));
diesel::joinable!(employees -> units (unit_id));
diesel::joinable!(service_clients -> organizations (organization_id));
diesel::joinable!(refresh_tokens -> employees (employee_id));
diesel::joinable!(audit_events -> organizations (organization_id));
diesel::joinable!(achievements -> employees (employee_id));
diesel::joinable!(achievement_evidence -> achievements (achievement_id));
diesel::joinable!(evidence_files -> achievement_evidence (evidence_id));
diesel::joinable!(feedback_messages -> feedback_threads (thread_id));

diesel::table! {
    organization_ratings (period_id) {
        period_id -> Text,
        organization_id -> Text,
        rating -> Text,
        note -> Text,
        recorded_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    recommendation_decisions (id) {
        id -> Text,
        organization_id -> Text,
        period_id -> Text,
        sub_period_id -> Nullable<Text>,
        employee_id -> Text,
        kind -> Text,
        topic -> Text,
        decision -> Text,
        note -> Text,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        organization_id -> Text,
        service_client_id -> Text,
        url -> Text,
        secret -> Text,
        event_types -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        organization_id -> Text,
        event_id -> Text,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_cursors (organization_id) {
        organization_id -> Text,
        seq -> BigInt,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));

diesel::allow_tables_to_appear_in_same_query!(
    webhooks,
    webhook_deliveries,
    webhook_cursors,
    organizations,
    units,
    employees,
    service_clients,
    refresh_tokens,
    audit_events,
    audit_heads,
    idempotency_keys,
    periods,
    sub_periods,
    scoring_policies,
    skps,
    skp_targets,
    skp_indicators,
    skp_aspects,
    peer_assignments,
    peer_ratings,
    rating_tickets,
    citizen_ratings,
    rate_limits,
    reporting_lines,
    achievements,
    achievement_evidence,
    evidence_files,
    feedback_threads,
    feedback_messages,
    assessments,
    assessment_scores,
    assessment_training_needs,
    objections,
    score_snapshots,
    organization_ratings,
    recommendation_decisions,
);

// Indicator templates (2026-11-23-000030_templates).
diesel::table! {
    indicator_templates (id) {
        id -> Text,
        organization_id -> Text,
        unit_id -> Nullable<Text>,
        position -> Text,
        name -> Text,
        current_version -> Integer,
        content -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    template_versions (template_id, version) {
        template_id -> Text,
        version -> Integer,
        content -> Text,
        proposal_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    template_proposals (id) {
        id -> Text,
        organization_id -> Text,
        template_id -> Nullable<Text>,
        unit_id -> Nullable<Text>,
        position -> Text,
        name -> Text,
        content -> Text,
        reason -> Text,
        proposed_by -> Text,
        status -> Text,
        decision_reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        resulting_template_id -> Nullable<Text>,
        resulting_version -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    template_uses (target_lineage_id) {
        target_lineage_id -> Text,
        organization_id -> Text,
        period_id -> Text,
        employee_id -> Text,
        template_id -> Text,
        template_version -> Integer,
        target_index -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    indicator_flags (id) {
        id -> Text,
        organization_id -> Text,
        period_id -> Text,
        employee_id -> Text,
        skp_id -> Text,
        indicator_id -> Text,
        indicator_description -> Text,
        target_lineage_id -> Text,
        template_id -> Nullable<Text>,
        indicator_index -> Integer,
        note -> Text,
        flagged_by -> Text,
        created_at -> Timestamp,
    }
}

// The new tables among themselves and with the one earlier table they are read with: a second
// list, so that the first stays as it was.
diesel::allow_tables_to_appear_in_same_query!(
    indicator_templates,
    template_versions,
    template_proposals,
    template_uses,
    indicator_flags,
    employees,
);

// Citizen complaints (2026-11-23-000031_complaints).
diesel::table! {
    complaints (id) {
        id -> Text,
        organization_id -> Text,
        unit_id -> Text,
        officer_id -> Nullable<Text>,
        channel -> Text,
        ticket_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        external_reference -> Nullable<Text>,
        tracking_hash -> Text,
        body -> Text,
        status -> Text,
        assigned_to -> Nullable<Text>,
        assigned_by -> Nullable<Text>,
        assigned_at -> Nullable<Timestamp>,
        answer -> Nullable<Text>,
        answered_by -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        rejection_reason -> Nullable<Text>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        received_at -> Timestamp,
        answer_due_at -> Timestamp,
        close_due_at -> Timestamp,
        version -> Integer,
        updated_at -> Timestamp,
    }
}
