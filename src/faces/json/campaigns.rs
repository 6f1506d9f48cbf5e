//! Keepnet campaigns in the JSON mirror: a campaign sends one training (survey, learning path,
//! poster, …) to target users, each assigned through an enrollment of the store, with an
//! invitation queued in the outbox. The Keepnet face reads them back with their reports.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::parse_date_time;
use super::openapi::Problems;
use super::{Rejection, body, reject, run};
use crate::domain::keepnet::{DeliveryType, EnrollmentType, ReminderEnd, ReminderPeriod, ReminderPlan};
use crate::service::OpError;
use crate::service::keepnet::NewCampaignRequest;
use crate::state::AppState;

type Reply = Result<actix_web::HttpResponse, Rejection>;
type State = web::Data<AppState>;

/// A campaign's reminder plan: every `periodCount` `periodType`s to those who have not completed,
/// until `endType` says stop.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReminderBody {
    #[schema(minimum = 1, maximum = 365)]
    pub period_count: i32,
    pub period_type: ReminderPeriod,
    pub end_type: ReminderEnd,
    /// With `endType` `AfterOccurrences`.
    #[schema(minimum = 1, maximum = 100)]
    pub occurrence_count: Option<i32>,
    /// With `endType` `OnDate`.
    #[schema(format = DateTime)]
    pub stop_time: Option<String>,
}

/// `POST /api/v1/keepnet/campaigns`: a campaign of the caller's tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CampaignBody {
    #[schema(min_length = 1, max_length = 255)]
    pub name: String,
    /// The course sent (its id).
    pub training_id: String,
    /// Defaults to `SCORM` (a training).
    pub enrollment_type: Option<EnrollmentType>,
    /// Defaults to `Email`.
    pub delivery_type: Option<DeliveryType>,
    /// Target users by id.
    #[serde(default)]
    pub target_user_resource_ids: Vec<String>,
    /// Groups whose members are target users too.
    #[serde(default)]
    pub target_group_resource_ids: Vec<String>,
    /// When the invitations go out; defaults to now.
    #[schema(format = DateTime)]
    pub start_date: Option<String>,
    #[schema(format = DateTime)]
    pub due_date: Option<String>,
    pub time_zone: Option<String>,
    pub reminder: Option<ReminderBody>,
    #[serde(default)]
    pub award_certificate: bool,
    #[serde(default)]
    pub has_quiz: bool,
    #[serde(default)]
    pub is_test: bool,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub category: Option<String>,
    pub level: Option<String>,
    pub duration: Option<String>,
    pub target_audience: Option<String>,
}

impl TryFrom<CampaignBody> for NewCampaignRequest {
    type Error = OpError;

    fn try_from(b: CampaignBody) -> Result<Self, OpError> {
        let utc = |value: Option<&str>, field: &str| parse_date_time(value, field).map(|t| t.map(|t| t.naive_utc()));
        let reminder = match b.reminder {
            Some(r) => Some(ReminderPlan {
                period_count: r.period_count,
                period: r.period_type,
                end: r.end_type,
                occurrences: r.occurrence_count,
                stop_time: utc(r.stop_time.as_deref(), "reminder.stopTime")?,
            }),
            None => None,
        };
        Ok(NewCampaignRequest {
            name: b.name,
            training: b.training_id,
            enrollment_type: b.enrollment_type.unwrap_or(EnrollmentType::Scorm),
            delivery_type: b.delivery_type.unwrap_or(DeliveryType::Email),
            target_users: b.target_user_resource_ids,
            target_groups: b.target_group_resource_ids,
            start_date: utc(b.start_date.as_deref(), "startDate")?,
            due_date: utc(b.due_date.as_deref(), "dueDate")?,
            time_zone: b.time_zone,
            reminder,
            award_certificate: b.award_certificate,
            has_quiz: b.has_quiz,
            is_test: b.is_test,
            languages: b.languages,
            tags: b.tags,
            category: b.category,
            level: b.level,
            duration: b.duration,
            target_audience: b.target_audience,
        })
    }
}

/// What creating a campaign did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignCreatedBody {
    /// The campaign's id: the Keepnet face's `enrollmentId`.
    pub enrollment_id: String,
    pub status: String,
    /// The enrollments made, one a target user.
    pub enrollment_ids: Vec<String>,
    pub mails_queued: usize,
}

#[utoipa::path(post, path = "/api/v1/keepnet/campaigns", tag = "keepnet", operation_id = "createKeepnetCampaign",
    request_body = CampaignBody,
    responses((status = 201, description = "The campaign, its enrollments, and the invitations queued with them", body = CampaignCreatedBody), Problems),
    security(("bearer" = [])))]
pub async fn create_keepnet_campaign(req: HttpRequest, state: State, bytes: web::Payload) -> Reply {
    let request = NewCampaignRequest::try_from(body::<CampaignBody>(&req, &state, bytes).await?).map_err(|e| reject(&req, e))?;
    run(&req, &state, StatusCode::CREATED, move |service, tx, caller, out| {
        let created = service.create_keepnet_campaign(tx, caller, &request)?;
        out.value(&CampaignCreatedBody {
            enrollment_id: created.enrollment_id,
            status: created.status.as_str().to_string(),
            enrollment_ids: created.enrollments,
            mails_queued: created.mails_queued,
        })
    })
    .await
}
