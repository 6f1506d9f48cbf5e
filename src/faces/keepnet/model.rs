//! Keepnet's request bodies, read with their keys in any case (its clients send `pageNumber`,
//! `PageNumber` and `pagenumber` alike) and `null` taken as absent; the search filter; and the
//! items of the answers, keyed as Keepnet keys them.

use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

use crate::domain::keepnet::{
    EnrollmentType, Field, Filter, FilterGroup, FilterItem, Logic, MAX_FILTER_DEPTH, MAX_FILTER_ITEMS, Operator, Order, PageRequest,
    ReminderPeriod, Search, find_field,
};
use crate::service::keepnet::{CampaignSummary, CertificateRow, CompanyTree, NotificationRow, ReminderRow, SendingRow, UserRow};
use crate::service::{OpError, ProblemKind};
use crate::store::keepnet::CampaignRow;

/// A JSON body whose keys are matched without case.
pub struct Body {
    fields: Map<String, Value>,
    /// Where the body sits in the request, for messages (`filter.filterGroups[0]`).
    path: String,
}

fn type_error(path: &str, expected: &str, got: &Value) -> OpError {
    let kind = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    OpError::wrong(ProblemKind::Type, path, format!("{path} must be {expected}; got {kind}"))
}

impl Body {
    /// The request's body: a JSON object (an empty body is an empty object).
    pub fn parse(bytes: &[u8]) -> Result<Body, OpError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body { fields: Map::new(), path: String::new() });
        }
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| OpError::wrong(ProblemKind::Malformed, "body", format!("the body is not JSON: {e}")))?;
        match value {
            Value::Object(fields) => Ok(Body { fields, path: String::new() }),
            other => Err(type_error("body", "a JSON object", &other)),
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_string() } else { format!("{}.{key}", self.path) }
    }

    /// The value of `key` in any case; `null` is absent.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v).filter(|v| !v.is_null())
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, OpError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                n.as_i64().map(Some).ok_or_else(|| type_error(&self.at(key), "a whole number", &Value::Number(n.clone())))
            }
            Some(other) => Err(type_error(&self.at(key), "a whole number", other)),
        }
    }

    pub fn flag(&self, key: &str) -> Result<Option<bool>, OpError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(type_error(&self.at(key), "true or false", other)),
        }
    }

    pub fn text(&self, key: &str) -> Result<Option<String>, OpError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(type_error(&self.at(key), "a string", other)),
        }
    }

    /// A string, or a number written as one (Keepnet's `trainingType` is either).
    pub fn text_or_number(&self, key: &str) -> Result<Option<String>, OpError> {
        match self.get(key) {
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            _ => self.text(key),
        }
    }

    pub fn strings(&self, key: &str) -> Result<Vec<String>, OpError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(type_error(&format!("{}[{i}]", self.at(key)), "a string", other)),
                })
                .collect(),
            Some(other) => Err(type_error(&self.at(key), "an array of strings", other)),
        }
    }

    fn object(&self, key: &str) -> Result<Option<Body>, OpError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(fields)) => Ok(Some(Body { fields: fields.clone(), path: self.at(key) })),
            Some(other) => Err(type_error(&self.at(key), "an object", other)),
        }
    }

    fn objects(&self, key: &str) -> Result<Vec<Body>, OpError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let path = format!("{}[{i}]", self.at(key));
                    match item {
                        Value::Object(fields) => Ok(Body { fields: fields.clone(), path }),
                        other => Err(type_error(&path, "an object", other)),
                    }
                })
                .collect(),
            Some(other) => Err(type_error(&self.at(key), "an array", other)),
        }
    }

    fn required<T>(&self, key: &str, value: Option<T>) -> Result<T, OpError> {
        value.ok_or_else(|| OpError::wrong(ProblemKind::Required, self.at(key), format!("{} is required", self.at(key))))
    }

    /// The search a body asks for over a report's `fields`. `required`: the paging fields must
    /// be given (the two list searches); else they default to page 1 of 10 in `default` order.
    pub fn search(&self, fields: &[Field], default: (&str, bool), required: bool) -> Result<Search, OpError> {
        let number = self.int("pageNumber")?;
        let size = self.int("pageSize")?;
        let order_by = self.text("orderBy")?;
        let ascending = self.flag("ascending")?;
        if required {
            self.required("pageNumber", number)?;
            self.required("pageSize", size)?;
            self.required("orderBy", order_by.as_ref())?;
            self.required("ascending", ascending)?;
        }
        let page = PageRequest::parse(number, size).map_err(|(field, why)| OpError::refused(field, why))?;
        let order = match order_by.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(name) => Order {
                field: find_field(fields, name).map_err(|why| OpError::refused("orderBy", why))?,
                ascending: ascending.unwrap_or(false),
            },
            None => Order {
                field: find_field(fields, default.0).map_err(|why| OpError::Internal(why.reason))?,
                ascending: ascending.unwrap_or(default.1),
            },
        };
        Ok(Search { filter: self.filter(fields)?, order, page })
    }

    /// The body's `filter` over `fields`: absent or null matches everything.
    pub fn filter(&self, fields: &[Field]) -> Result<Filter, OpError> {
        let Some(filter) = self.object("filter")? else {
            return Ok(Filter::default());
        };
        let search = filter.text("searchInputTextValue")?.filter(|t| !t.trim().is_empty());
        let mut count = 0;
        let root = filter.group(fields, 0, &mut count)?;
        Ok(Filter { search, root })
    }

    fn group(&self, fields: &[Field], depth: usize, count: &mut usize) -> Result<FilterGroup, OpError> {
        if depth > MAX_FILTER_DEPTH {
            return Err(OpError::wrong(
                ProblemKind::Limit,
                self.path.clone(),
                format!("filter groups nest {MAX_FILTER_DEPTH} deep at most"),
            ));
        }
        let logic = match self.text("condition")? {
            Some(word) => Logic::parse(&word).map_err(|why| OpError::refused(self.at("condition"), why))?,
            None => Logic::And,
        };
        let mut items = Vec::new();
        for item in self.objects("filterItems")? {
            *count += 1;
            if *count > MAX_FILTER_ITEMS {
                return Err(OpError::wrong(
                    ProblemKind::Limit,
                    item.path.clone(),
                    format!("a filter holds {MAX_FILTER_ITEMS} items at most"),
                ));
            }
            let name = item.required("fieldName", item.text("fieldName")?)?;
            let operator = match item.text("operator")? {
                Some(word) => Operator::parse(&word).map_err(|why| OpError::refused(item.at("operator"), why))?,
                None => Operator::Contains,
            };
            let value = match item.get("value") {
                None => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(Value::Bool(b)) => Some(b.to_string()),
                Some(other) => return Err(type_error(&item.at("value"), "a string, number or boolean", other)),
            };
            let resolved = FilterItem::resolve(fields, &name, operator, value.as_deref()).map_err(|why| {
                let at = if why.reason.starts_with("names no field") { item.at("fieldName") } else { item.at("value") };
                OpError::refused(at, why)
            })?;
            items.push(resolved);
        }
        let mut groups = Vec::new();
        for nested in self.objects("filterGroups")? {
            groups.push(nested.group(fields, depth + 1, count)?);
        }
        Ok(FilterGroup { logic, items, groups })
    }
}

/// `enrollmentType` or `trainingType` as clients send them.
pub fn enrollment_type(body: &Body, key: &str) -> Result<Option<EnrollmentType>, OpError> {
    body.text_or_number(key)?
        .filter(|t| !t.trim().is_empty())
        .map(|t| EnrollmentType::parse_training_type(&t).map_err(|why| OpError::refused(key, why)))
        .transpose()
}

/// A time as the face writes it: UTC, ISO 8601.
pub fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn opt_time(t: Option<NaiveDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(time(t)))
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

/// Keepnet's paged results.
pub fn paged(page: PageRequest, total: i64, results: Vec<Value>) -> Value {
    let pages = if total == 0 { 0 } else { (total + page.size - 1) / page.size };
    json!({
        "pageNumber": page.number,
        "pageSize": page.size,
        "totalNumberOfPages": pages,
        "totalNumberOfRecords": total,
        "results": results,
    })
}

/// A company (`SearchCompanyDto`), with the companies below it.
pub fn company(tree: &CompanyTree) -> Value {
    let c = &tree.company;
    json!({
        "companyName": c.company_name,
        "companyResourceId": c.company_resource_id,
        "resourceId": c.company_resource_id,
        "resellerName": c.reseller_name,
        "industryName": c.industry_name,
        "industryResourceId": c.industry_resource_id,
        "licenseTypeName": c.license_type_name,
        "licenseTypeResourceId": c.license_type_resource_id,
        "isNumberOfUsersLimited": c.is_number_of_users_limited,
        "numberOfUsers": c.number_of_users.to_string(),
        "privacyDurationId": c.privacy_duration_id,
        "licenceExpired": c.licence_expired,
        "licenseEndDate": opt_time(c.license_end_date),
        "createTime": time(c.create_time),
        "targetUserCount": c.target_user_count,
        "children": tree.children.iter().map(company).collect::<Vec<_>>(),
        "tags": lines(&c.tags),
        "deletedTargetUserCount": c.deleted_target_user_count,
        "inactiveTargetUserCount": c.inactive_target_user_count,
        "monthlyActiveUserCount": c.monthly_active_user_count,
    })
}

/// An enrollment of the list (`EnrollmentSearchRestView`).
pub fn enrollment(c: &CampaignRow) -> Value {
    json!({
        "enrollmentId": c.enrollment_id,
        "resourceId": c.enrollment_id,
        "name": c.name,
        "enrolledBy": c.enrolled_by,
        "startDate": time(c.start_date),
        "trainingName": c.training_name,
        "delivery": c.delivery,
        "deliveryType": c.delivery_type,
        "createTime": time(c.create_time),
        "isReminderActive": c.is_reminder_active,
        "isAutoEnrollmentActive": c.is_auto_enrollment_active,
        "status": c.status,
        "recipientType": c.recipient_type,
        "category": c.category,
        "targetAudience": c.target_audience,
        "type": c.kind,
        "hasQuiz": c.has_quiz,
        "sendTemplatesInPreferredLanguage": false,
        "tags": lines(&c.tags),
        "languages": lines(&c.languages),
        "trainingRoles": [],
        "duration": c.duration,
        "level": c.level,
    })
}

/// An enrollment's details (`GetEnrollmentByIdResponse`).
pub fn enrollment_detail(c: &CampaignRow, groups: &[(String, String)]) -> Value {
    let kind = EnrollmentType::parse(&c.kind).ok();
    let reminder = c.reminder_period_count.map(|count| {
        json!({
            "periodCount": count,
            "periodType": c.reminder_period_type.as_deref().and_then(|p| ReminderPeriod::parse(p).ok()).map(ReminderPeriod::as_str),
            "endType": c.reminder_end_type,
            "occurrenceCount": c.reminder_occurrence_count,
            "stopTime": opt_time(c.reminder_stop_time),
        })
    });
    json!({
        "enrollmentId": c.enrollment_id,
        "trainingId": c.training_id,
        "name": c.name,
        "status": c.status,
        "learningPathId": if kind == Some(EnrollmentType::LearningPath) { Value::String(c.training_id.clone()) } else { Value::Null },
        "trainingOrder": null,
        "targetGroupResourceIds": groups.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
        "phishingCampaignResourceId": null,
        "phishingCampaignConditionTypes": [],
        "languageIds": lines(&c.languages),
        "enrollmentScheduler": {
            "scheduledDate": time(c.start_date),
            "scheduledTimeZoneId": c.time_zone,
            "useOwnTimeZone": false,
            "dueDate": opt_time(c.due_date),
        },
        "enrollmentReminder": reminder,
        "enrollmentAutoEnroll": null,
        "smsTexts": [],
        "awardCertificate": c.award_certificate,
        "certificateConfigSendType": if c.award_certificate { Value::String("Email".into()) } else { Value::Null },
        "markedAsTest": c.is_test,
        "trainingTypeId": kind.map(EnrollmentType::training_type_id),
        "distributionDays": 0,
    })
}

/// A training report's summary (`EnrollmentSummaryReportDTO`).
pub fn summary(s: &CampaignSummary) -> Value {
    let c = &s.campaign;
    let n = &s.counts;
    let kind = EnrollmentType::parse(&c.kind).ok();
    let opened = n.completed + n.in_progress;
    let reminder = match (c.reminder_period_count, c.reminder_period_type.as_deref(), c.reminder_end_type.as_deref()) {
        (Some(count), Some(period), Some(end)) => {
            let plan = crate::domain::keepnet::ReminderPlan {
                period_count: count,
                period: ReminderPeriod::parse(period).unwrap_or(ReminderPeriod::Day),
                end: crate::domain::keepnet::ReminderEnd::parse(end).unwrap_or(crate::domain::keepnet::ReminderEnd::Never),
                occurrences: c.reminder_occurrence_count,
                stop_time: c.reminder_stop_time,
            };
            Value::String(plan.describe())
        }
        _ => Value::Null,
    };
    json!({
        "name": c.name,
        "startDate": time(c.start_date),
        "completedCount": n.completed,
        "inProgressCount": n.in_progress,
        "groupCount": n.groups,
        "targetGroupNames": s.groups.iter().map(|(_, name)| name.as_str()).collect::<Vec<_>>(),
        "languages": lines(&c.languages),
        "reminderDescription": reminder,
        "autoEnrollDescription": null,
        "isTest": c.is_test,
        "isScormProxy": c.status == "SCORM Proxy",
        "trainingTypeId": kind.map(EnrollmentType::training_type_id),
        "trainingTypeName": kind.map(EnrollmentType::training_type_name),
        "trainingDetails": {
            "id": c.training_id,
            "name": c.training_name,
            "description": c.training_description,
            "companyName": s.company_name,
            "category": c.category,
            "trainingTypeName": kind.map(EnrollmentType::training_type_name),
            "hasQuiz": c.has_quiz,
        },
        "reportDetail": {
            "totalTargetUserCount": n.total,
            "totalNonTargetUserCount": 0,
            "totalUserOpenedCount": opened,
            "onlyOpenedCount": n.in_progress,
            "emailDeliveredUserCount": n.delivered,
            "emailErrorUserCount": n.mail_errors,
            "noResponseCount": n.total - opened,
            "didNotCompleteTrainingCount": n.total - n.completed,
            "didNotCompleteExamCount": if c.has_quiz { n.total - n.completed } else { 0 },
            "failedExamCount": n.failed_exam,
        },
        "smsSummary": {"sentCount": 0},
        "steps": [],
    })
}

/// A target user of the training report (`TrainingReportUsersSearchView`).
pub fn user(enrollment_id: &str, r: &UserRow) -> Value {
    json!({
        "enrollmentId": enrollment_id,
        "targetUserResourceId": r.target_user_resource_id,
        "userId": r.user_id,
        "resourceId": r.resource_id,
        "firstName": r.first_name,
        "lastName": r.last_name,
        "email": r.email,
        "department": r.department,
        "phoneNumber": r.phone_number,
        "deliveryType": r.delivery_type,
        "status": r.status,
        "examStatusName": r.exam_status_name,
        "examScore": r.exam_score,
        "currentStep": null,
        "lastInteractedStep": null,
        "firstCompletionDate": opt_time(r.first_completion_date),
        "lastInteractionDate": opt_time(r.last_interaction_date),
        "isMainScore": true,
        "customFieldValues": [],
    })
}

/// A row of the sending report (`TrainingReportSendingReportSearchView`).
pub fn sending(enrollment_id: &str, r: &SendingRow) -> Value {
    json!({
        "enrollmentId": enrollment_id,
        "targetUserResourceId": r.target_user_resource_id,
        "userId": r.user_id,
        "resourceId": r.resource_id,
        "firstName": r.first_name,
        "lastName": r.last_name,
        "email": r.email,
        "department": r.department,
        "emailDelivery": r.email_delivery,
        "firstSendDate": opt_time(r.first_send_date),
        "lastSendDate": opt_time(r.last_send_date),
        "lastSendingStatus": r.last_sending_status,
        "errorMessage": r.error_message,
        "targetUserStatus": r.target_user_status,
        "targetUserIsDeleted": r.target_user_is_deleted,
        "isMainScore": true,
        "customFieldValues": [],
    })
}

/// A certificate (`EnrollmentCertificateSearchResult`).
pub fn certificate(r: &CertificateRow) -> Value {
    json!({
        "targetUserResourceId": r.target_user_resource_id,
        "userEmail": r.user_email,
        "userEmailId": r.user_email_id,
        "sentDate": opt_time(r.sent_date),
        "status": r.status,
        "createdDate": time(r.created_date),
        "userEmailSendTime": opt_time(r.user_email_send_time),
        "firstSendTime": opt_time(r.first_send_time),
        "lastSendTime": opt_time(r.last_send_time),
        "emailDelivery": r.email_delivery,
        "customFieldValues": [],
    })
}

/// A reminder mail (`TrainingReportReminderMailSearchDTO`).
pub fn reminder(r: &ReminderRow) -> Value {
    json!({
        "userEmailId": r.user_email_id,
        "email": r.email,
        "emailDelivery": r.email_delivery,
        "firstSendDate": opt_time(r.first_send_date),
        "lastSendDate": opt_time(r.last_send_date),
        "lastSendingStatus": r.last_sending_status,
    })
}

/// A notification activity log (`NotificationActivityLogDto`); `firstSendDate` is text there.
pub fn notification(r: &NotificationRow) -> Value {
    json!({
        "id": r.id,
        "companyId": r.company_id,
        "tenantId": null,
        "targetUserId": r.target_user_id,
        "tenantUserId": r.tenant_user_id,
        "firstName": r.first_name,
        "lastName": r.last_name,
        "fullName": r.full_name,
        "email": r.email,
        "department": r.department,
        "status": r.status,
        "type": r.kind,
        "enrollmentId": r.enrollment_id,
        "errorMessage": r.error_message,
        "firstSendDate": opt_time(r.first_send_date),
        "lastSendDate": opt_time(r.last_send_date),
        "lastSendingStatus": r.last_sending_status,
        "createTime": time(r.create_time),
        "retryCount": r.retry_count,
        "maxRetryCount": r.max_retry_count,
        "trainingUrl": null,
        "trainingTitle": r.training_title,
        "activityContent": r.activity_content,
        "canResend": r.can_resend,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keepnet::{FilterValue, fields};

    #[test]
    fn keys_match_in_any_case_and_null_is_absent() {
        let body = Body::parse(br#"{"PageNumber": 2, "pagesize": 5, "ORDERBY": "email", "Ascending": true, "filter": null}"#).unwrap();
        let search = body.search(fields::SENDING_REPORT, ("email", true), true).unwrap();
        assert_eq!(search.page, PageRequest { number: 2, size: 5 });
        assert_eq!(search.order.field.name, "email");
        assert!(search.order.ascending);
        assert_eq!(search.filter, Filter::default());
    }

    #[test]
    fn the_list_searches_require_their_paging_fields() {
        let body = Body::parse(br#"{"pageNumber": 1, "pageSize": 10, "ascending": false}"#).unwrap();
        let error = body.search(fields::COMPANIES, ("createTime", false), true).unwrap_err();
        assert!(error.public_detail().contains("orderBy is required"), "{error}");
        assert!(body.search(fields::COMPANIES, ("createTime", false), false).is_ok());
    }

    #[test]
    fn filters_nest_and_name_what_is_wrong() {
        let body = Body::parse(
            br#"{"filter": {"Condition": "OR", "SearchInputTextValue": "", "FilterGroups": [
                {"Condition": "AND", "FilterItems": [{"FieldName": "LastSendingStatus", "Operator": "Equals", "Value": "Delivered"}],
                 "FilterGroups": [{"condition": "or", "filterItems": [{"fieldName": "email", "operator": "EndsWith", "value": "@acme.example"}]}]}]}}"#,
        )
        .unwrap();
        let filter = body.filter(fields::SENDING_REPORT).unwrap();
        assert_eq!(filter.search, None);
        assert_eq!(filter.root.logic, Logic::Or);
        let group = &filter.root.groups[0];
        assert_eq!(group.items[0].field.name, "lastSendingStatus");
        assert_eq!(group.items[0].value, FilterValue::Text("Delivered".into()));
        assert_eq!(group.groups[0].items[0].operator, Operator::EndsWith);
        let unknown = Body::parse(
            br#"{"filter": {"filterGroups": [{"filterItems": [{"fieldName": "salary", "operator": "Equals", "value": "1"}]}]}}"#,
        )
        .unwrap()
        .filter(fields::SENDING_REPORT)
        .unwrap_err();
        assert!(unknown.public_detail().starts_with("filter.filterGroups[0].filterItems[0].fieldName names no field"), "{unknown}");
        let bad_order =
            Body::parse(br#"{"orderBy": "salary"}"#).unwrap().search(fields::SENDING_REPORT, ("email", true), false).unwrap_err();
        assert!(bad_order.public_detail().starts_with("orderBy names no field"), "{bad_order}");
        assert!(Body::parse(b"[1]").is_err() && Body::parse(b"{").is_err() && Body::parse(b"").is_ok());
    }

    #[test]
    fn pages_are_counted_from_the_total() {
        let page = PageRequest { number: 1, size: 10 };
        assert_eq!(paged(page, 0, vec![])["totalNumberOfPages"], 0);
        assert_eq!(paged(page, 21, vec![])["totalNumberOfPages"], 3);
    }
}
