//! Portals as Academy Of Mine runs them: creating portals and sub-portals, their details and
//! lookups, adding learners (new ones, or existing users) within the seats and the blocked e-mail
//! domains, removing and (de)activating members, the portal's courses and users with their
//! progress, and the portal a user works in. Owners and administrators manage every portal; a
//! portal admin manages its portals and their sub-portals.

use chrono::NaiveDateTime;

use super::progress::Member;
use super::{Clash, Entity, NewUserRequest, OpError, ProblemKind, Service, now};
use crate::domain::role::AomRole;
use crate::domain::values::ExternalId;
use crate::domain::{Principal, Role};
use crate::store::portals::{self as store, NewPortal, PortalRow, PortalSettings};
use crate::store::progress::Reach;
use crate::store::{Tx, users};

/// A new portal, as asked for.
#[derive(Debug, Clone, Default)]
pub struct PortalRequest {
    pub name: String,
    pub slug: String,
    pub total_seats: Option<i32>,
    pub settings: PortalSettings,
    /// Courses of its catalog.
    pub courses: Vec<i64>,
    /// Learning paths of its catalog.
    pub paths: Vec<i64>,
    /// Existing users who become its learners.
    pub learners: Vec<i64>,
}

/// A learner made by a portal.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLearner {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: Option<String>,
}

/// How learners come into a portal.
#[derive(Debug, Clone, PartialEq)]
pub enum Joining {
    /// New users, made here (`addManually`, `bulkImport`).
    New(Vec<NewLearner>),
    /// Users of the account (`existingUser`).
    Existing(Vec<i64>),
}

/// A portal with what its details page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalDetails {
    pub portal: PortalRow,
    pub parent: Option<(String, String)>,
    pub learners: i64,
    pub admins: i64,
    pub sub_portals: i64,
    /// `(course, public)`.
    pub courses: Vec<(i64, bool)>,
}

/// A portal in a lookup: its seats.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalSeats {
    pub id: i64,
    pub name: String,
    pub total: Option<i32>,
    pub used: i64,
}

/// A user of a portal with its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalUser {
    pub row: store::PortalUserRow,
    /// `(not started, in progress, completed)`.
    pub stats: (i64, i64, i64),
    pub portals: Vec<String>,
}

/// Makes a slug of a name: lower-case letters and digits, words joined by dashes.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    if slug.is_empty() { "portal".into() } else { slug }
}

impl Service {
    /// The member, if it may manage portals: anyone but a learner (a portal admin, its own).
    pub(super) fn portal_manager(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Member, OpError> {
        let member = self.member(tx, principal)?;
        if !member.manages() {
            return Err(OpError::Forbidden("a learner may not manage portals".into()));
        }
        Ok(member)
    }

    /// The tenant's portal `id`, if the member reaches it (a portal admin: its portals and what is
    /// under them).
    pub(super) fn portal_in_reach(&self, tx: &mut Tx<'_>, principal: &Principal, member: &Member, id: i64) -> Result<PortalRow, OpError> {
        let portal = store::portal(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Portal, &id.to_string()))?;
        if member.role == AomRole::PortalAdmin {
            let mine = crate::store::portals::administered_paths(tx, member.user_id)?;
            if !mine.iter().any(|path| portal.path.starts_with(path.as_str())) {
                return Err(OpError::Forbidden(format!("portal {id} is not one this portal admin manages")));
            }
        }
        Ok(portal)
    }

    /// Refuses anyone but the account's owner and administrators: they create portals.
    pub fn require_portal_creator(&self, tx: &mut Tx<'_>, principal: &Principal) -> Result<Member, OpError> {
        let member = self.portal_manager(tx, principal)?;
        if !matches!(member.role, AomRole::Owner | AomRole::Admin) {
            return Err(OpError::Forbidden("only the account's owner and administrators create portals".into()));
        }
        Ok(member)
    }

    /// Creates a portal at the root; returns its id.
    pub fn create_portal(&self, tx: &mut Tx<'_>, principal: &Principal, request: &PortalRequest) -> Result<i64, OpError> {
        let member = self.require_portal_creator(tx, principal)?;
        if request.name.trim().is_empty() {
            return Err(OpError::wrong(ProblemKind::Required, "portalName", "The portal name field is required."));
        }
        let slug = slug_of(&request.slug);
        if store::slug_taken(tx, principal.tenant_id, &slug)? {
            return Err(OpError::invalid("portalSlug", "The portal slug has already been taken."));
        }
        if request.total_seats.is_some_and(|seats| seats < 0) {
            return Err(OpError::invalid("totalSeat", "The total seat field must be at least 0."));
        }
        let courses = crate::store::progress::courses_of_tenant(tx, principal.tenant_id, &request.courses)?;
        if let Some(unknown) = request.courses.iter().find(|c| !courses.contains(c)) {
            return Err(OpError::not_found(Entity::Course, &unknown.to_string()));
        }
        let paths = crate::store::paths::paths_of_tenant(tx, principal.tenant_id, &request.paths)?;
        if let Some(unknown) = request.paths.iter().find(|p| !paths.contains(p)) {
            return Err(OpError::not_found(Entity::LearningPath, &unknown.to_string()));
        }
        let now = now();
        let id = store::insert(
            tx,
            &NewPortal {
                tenant_id: principal.tenant_id,
                parent_id: None,
                name: request.name.trim(),
                slug: &slug,
                referral_code: None,
                total_seats: request.total_seats,
                settings: request.settings.clone(),
                created_by: Some(member.user_id),
            },
            now,
        )?;
        store::add_courses(tx, id, &courses, true)?;
        crate::store::paths::add_to_portal(tx, id, &paths, true)?;
        if !request.learners.is_empty() {
            self.add_learners(tx, principal, id, &Joining::Existing(request.learners.clone()), &[])?;
        }
        Ok(id)
    }

    /// Adds sub-portals (name and referral code each) under a portal; returns how many.
    pub fn add_sub_portals(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        parent: i64,
        subs: &[(String, Option<String>)],
    ) -> Result<usize, OpError> {
        let member = self.portal_manager(tx, principal)?;
        let parent = self.portal_in_reach(tx, principal, &member, parent)?;
        if subs.is_empty() {
            return Err(OpError::wrong(ProblemKind::Required, "subPortal", "The sub portal field is required."));
        }
        // A sub-portal looks like its parent: the same branding and language.
        let look = PortalSettings {
            brand_color: parent.brand_color.clone(),
            body_background_color: parent.body_background_color.clone(),
            body_text_color: parent.body_text_color.clone(),
            header_background_color: parent.header_background_color.clone(),
            primary_language: parent.primary_language.clone(),
            custom_style: parent.custom_style.clone(),
            custom_font: parent.custom_font.clone(),
            ..PortalSettings::default()
        };
        let now = now();
        for (index, (name, code)) in subs.iter().enumerate() {
            if name.trim().is_empty() {
                let field = format!("subPortal.{index}.name");
                return Err(OpError::wrong(ProblemKind::Required, &field, format!("The {} field is required.", field.replace('_', " "))));
            }
            let base = format!("{}-{}", parent.slug, slug_of(name));
            let mut slug = base.clone();
            let mut n = 2;
            while store::slug_taken(tx, principal.tenant_id, &slug)? {
                slug = format!("{base}-{n}");
                n += 1;
            }
            store::insert(
                tx,
                &NewPortal {
                    tenant_id: principal.tenant_id,
                    parent_id: Some(parent.id),
                    name: name.trim(),
                    slug: &slug,
                    referral_code: code.as_deref(),
                    total_seats: None,
                    settings: look.clone(),
                    created_by: Some(member.user_id),
                },
                now,
            )?;
        }
        Ok(subs.len())
    }

    /// A portal's details.
    pub fn portal_details(&self, tx: &mut Tx<'_>, principal: &Principal, id: i64) -> Result<PortalDetails, OpError> {
        let member = self.portal_manager(tx, principal)?;
        let portal = self.portal_in_reach(tx, principal, &member, id)?;
        let parent = portal.parent_id.map(|parent| store::name_of(tx, parent)).transpose()?;
        Ok(PortalDetails {
            learners: store::member_count(tx, portal.id, "learner")?,
            admins: store::member_count(tx, portal.id, "portal_admin")?,
            sub_portals: store::child_count(tx, portal.id)?,
            courses: store::courses_of(tx, portal.id)?,
            parent: parent.map(|(name, slug)| (slug, name)),
            portal,
        })
    }

    /// Portals for a dropdown: the sub-portals of one (`subPortals`), or the member's portals
    /// (under one, when named), whose name contains the term; with their seats.
    pub fn lookup_portals(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        sub_portals_of: Option<i64>,
        under: Option<i64>,
        term: Option<&str>,
    ) -> Result<Vec<PortalSeats>, OpError> {
        let member = self.member(tx, principal)?;
        let term = term.map(|t| t.trim().trim_matches('"').to_lowercase()).filter(|t| !t.is_empty());
        let rows = match (sub_portals_of, under) {
            (Some(parent), _) => {
                let parent = self.portal_in_reach(tx, principal, &member, parent)?;
                store::portals(tx, principal.tenant_id, None, Some(parent.id), term.as_deref(), 1000)?
            }
            (None, Some(id)) => {
                let portal = self.portal_in_reach(tx, principal, &member, id)?;
                store::portals(tx, principal.tenant_id, Some(&portal.path), None, term.as_deref(), 1000)?
            }
            (None, None) if member.role == AomRole::PortalAdmin => {
                let mut rows = Vec::new();
                for path in crate::store::portals::administered_paths(tx, member.user_id)? {
                    rows.extend(store::portals(tx, principal.tenant_id, Some(&path), None, term.as_deref(), 1000)?);
                }
                rows.sort_by_key(|row| row.id);
                rows.dedup_by_key(|row| row.id);
                rows
            }
            (None, None) => store::portals(tx, principal.tenant_id, None, None, term.as_deref(), 1000)?,
        };
        rows.into_iter()
            .map(|row| {
                Ok(PortalSeats { used: store::member_count(tx, row.id, "learner")?, id: row.id, name: row.name, total: row.total_seats })
            })
            .collect()
    }

    /// Adds learners to a portal: new users made here (refused if an e-mail's domain is blocked by
    /// the portal or one above it, or taken), or existing users of the account; all within the
    /// portal's seats, else nothing is added. Each new learner is enrolled in the courses every new
    /// learner gets and in `courses`. Returns how many became learners of the portal.
    pub fn add_learners(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        joining: &Joining,
        courses: &[i64],
    ) -> Result<usize, OpError> {
        Ok(self.join_portal(tx, principal, portal_id, joining, courses, "learners")?.1)
    }

    /// [`Self::add_learners`], naming a new learner's fields after `list` (`learners.2.email`):
    /// returns the users and how many became learners of the portal.
    fn join_portal(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        joining: &Joining,
        courses: &[i64],
        list: &str,
    ) -> Result<(Vec<i64>, usize), OpError> {
        let member = self.portal_manager(tx, principal)?;
        let portal = self.portal_in_reach(tx, principal, &member, portal_id)?;
        let now = now();
        let users: Vec<i64> = match joining {
            Joining::New(learners) => {
                let blocked = store::blocked_domains(tx, &portal.path)?;
                for learner in learners {
                    let email = learner.email.trim().to_lowercase();
                    let domain = email.rsplit_once('@').map(|(_, domain)| domain.to_string()).unwrap_or_default();
                    if blocked.iter().any(|b| *b == email || *b == domain) {
                        return Err(OpError::wrong(
                            ProblemKind::Prohibited,
                            "blockedEmailDomains",
                            format!("Email or domain is blocked for user with email {}. Please contact Admin.", learner.email.trim()),
                        ));
                    }
                }
                self.make_learners(tx, principal, learners, list)?
            }
            Joining::Existing(ids) => {
                let mut ids = ids.clone();
                ids.sort_unstable();
                ids.dedup();
                let found = crate::store::progress::users_within(tx, principal.tenant_id, &ids, &Reach::default())?;
                if let Some(unknown) = ids.iter().find(|id| !found.contains(id)) {
                    return Err(OpError::not_found(Entity::User, &unknown.to_string()));
                }
                found
            }
        };
        let added = store::add_members(tx, portal.id, "learner", &users, now)?;
        if let Some(seats) = portal.total_seats {
            let taken = store::member_count(tx, portal.id, "learner")?;
            if taken > i64::from(seats) {
                return Err(OpError::invalid("portalId", format!("The portal has {seats} seat(s); {taken} learners would need more.")));
            }
        }
        if let Joining::New(_) = joining {
            self.enroll_new_learners(tx, principal, &users, courses)?;
        } else {
            for course in courses {
                self.enroll_in_course(tx, principal, *course, &users, None)?;
            }
        }
        Ok((users, added))
    }

    /// Makes new learners as the user rules of every face make users (the e-mail is the login), in
    /// the account's first root department; a row's refusal names its field after `list`
    /// (`userList.2.email`). Returns their ids.
    fn make_learners(&self, tx: &mut Tx<'_>, principal: &Principal, learners: &[NewLearner], list: &str) -> Result<Vec<i64>, OpError> {
        let department = store::home_department(tx, principal.tenant_id)?
            .ok_or_else(|| OpError::invalid(list, "the account has no department to place new learners in"))?;
        let department = ExternalId::parse(&department).map_err(|r| OpError::Internal(r.reason))?;
        // Made as the account's administrator would make them, under the same rules.
        let admin = Principal { role: Role::AccountAdministrator, managed_departments: Vec::new(), ..principal.clone() };
        let mut made = Vec::with_capacity(learners.len());
        for (index, learner) in learners.iter().enumerate() {
            let field = |name: &str| format!("{list}.{index}.{name}");
            let address = learner.email.trim();
            if !crate::domain::people::is_email_address(address) {
                let field = field("email");
                return Err(OpError::wrong(ProblemKind::Type, &field, format!("The {field} field must be a valid email address.")));
            }
            let email = ExternalId::parse(address).map_err(|r| OpError::refused(field("email"), r))?;
            let text = |value: &str, name: &str| {
                crate::domain::values::Text::parse(value.trim()).map(Some).map_err(|r| OpError::refused(field(name), r))
            };
            let request = NewUserRequest {
                login: email.clone(),
                email: Some(email),
                password: learner
                    .password
                    .as_deref()
                    .map(|p| crate::domain::values::Password::parse(p).map_err(|r| OpError::refused(field("password"), r)))
                    .transpose()?,
                first_name: text(&learner.first_name, "first_name")?,
                last_name: text(&learner.last_name, "last_name")?,
                department_id: department.clone(),
                role: Some(Role::Learner),
                manageable_department_ids: None,
                groups: None,
            };
            // The user rules name the field alone: here it is the row's.
            let external_id = self.add_user(tx, &admin, &request).map_err(|error| match error {
                OpError::Conflict { what: Clash::EmailTaken | Clash::LoginTaken, .. } => {
                    let field = field("email");
                    OpError::invalid(&field, format!("The {field} has already been taken."))
                }
                OpError::Invalid(problem) => OpError::invalid(field(problem.path.as_deref().unwrap_or("email")), problem.message),
                other => other,
            })?;
            made.push(
                users::live_user_key(tx, principal.tenant_id, &external_id)?
                    .ok_or_else(|| OpError::Internal("a new user is missing".into()))?,
            );
        }
        Ok(made)
    }

    /// Enrolls new learners in the courses every new learner gets and in `courses`.
    fn enroll_new_learners(&self, tx: &mut Tx<'_>, principal: &Principal, users: &[i64], courses: &[i64]) -> Result<(), OpError> {
        let mut enroll: Vec<i64> = crate::store::progress::auto_enroll_courses(tx, principal.tenant_id)?;
        enroll.extend_from_slice(courses);
        enroll.sort_unstable();
        enroll.dedup();
        for course in enroll {
            self.enroll_in_course(tx, principal, course, users, None)?;
        }
        Ok(())
    }

    /// Removes users of a kind (`learner`, `portal_admin`) from a portal and its sub-portals.
    pub fn remove_portal_users(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        users: &[i64],
        kind: &str,
    ) -> Result<usize, OpError> {
        let member = self.portal_manager(tx, principal)?;
        let portal = self.portal_in_reach(tx, principal, &member, portal_id)?;
        if kind == "portal_admin" && !matches!(member.role, AomRole::Owner | AomRole::Admin) {
            return Err(OpError::Forbidden("only the account's owner and administrators remove portal admins".into()));
        }
        Ok(store::remove_members(tx, principal.tenant_id, &portal.path, kind, users)?)
    }

    /// Activates or deactivates users' memberships in the portals the member manages.
    pub fn set_portal_users_active(&self, tx: &mut Tx<'_>, principal: &Principal, users: &[i64], active: bool) -> Result<usize, OpError> {
        let member = self.portal_manager(tx, principal)?;
        let within = match member.role {
            AomRole::PortalAdmin => Some(crate::store::portals::administered_paths(tx, member.user_id)?),
            _ => None,
        };
        Ok(store::set_members_active(tx, principal.tenant_id, within.as_deref(), users, active)?)
    }

    /// A page of a portal's courses with its learners' progress, the portal's name, and how many
    /// courses it has.
    pub fn portal_courses(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        page_number: i64,
        page_size: i64,
    ) -> Result<(String, i64, Vec<store::PortalCourseRow>), OpError> {
        let member = self.portal_manager(tx, principal)?;
        let portal = self.portal_in_reach(tx, principal, &member, portal_id)?;
        let since: NaiveDateTime = now() - chrono::Duration::hours(24);
        let offset = (page_number - 1).saturating_mul(page_size);
        let (rows, total) = store::portal_courses(tx, principal.tenant_id, portal.id, &portal.path, since, offset, page_size)?;
        Ok((portal.name, total, rows))
    }

    /// A page of a portal's users (of a kind, if given; matching a name or e-mail), with their
    /// progress, the portal's name, and how many match.
    #[allow(clippy::too_many_arguments)]
    pub fn portal_users(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        kind: Option<&str>,
        search: Option<&str>,
        page_number: i64,
        page_size: i64,
    ) -> Result<(String, i64, Vec<PortalUser>), OpError> {
        let member = self.portal_manager(tx, principal)?;
        let portal = self.portal_in_reach(tx, principal, &member, portal_id)?;
        let offset = (page_number - 1).saturating_mul(page_size);
        let search = search.map(str::to_lowercase);
        let (rows, total) = store::portal_users(tx, principal.tenant_id, &portal.path, kind, search.as_deref(), offset, page_size)?;
        let users = rows
            .into_iter()
            .map(|row| {
                let (not_started, completed, all) = store::user_totals(tx, row.id)?;
                let portals = store::portal_names_of(tx, row.id)?;
                Ok(PortalUser { stats: (not_started, all - not_started - completed, completed), portals, row })
            })
            .collect::<Result<Vec<_>, OpError>>()?;
        Ok((portal.name, total, users))
    }

    /// Sets the portal a user works in (the caller, unless a manager names another).
    pub fn set_current_portal(&self, tx: &mut Tx<'_>, principal: &Principal, portal_id: i64, user_id: Option<i64>) -> Result<(), OpError> {
        let member = self.member(tx, principal)?;
        let user = match user_id {
            Some(user) if user != member.user_id => {
                if !member.manages() {
                    return Err(OpError::Forbidden("a learner sets only its own current portal".into()));
                }
                crate::store::progress::users_within(tx, principal.tenant_id, &[user], &Reach::default())?
                    .first()
                    .copied()
                    .ok_or_else(|| OpError::not_found(Entity::User, &user.to_string()))?
            }
            _ => member.user_id,
        };
        store::portal(tx, principal.tenant_id, portal_id)?.ok_or_else(|| OpError::not_found(Entity::Portal, &portal_id.to_string()))?;
        store::set_current_portal(tx, user, portal_id)?;
        Ok(())
    }
}

/// A course or learning path of a portal's catalog, and whether the user is enrolled in it.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub enrolled: bool,
}

/// What a portal offers a user.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub portal_slug: String,
    pub courses: Vec<CatalogEntry>,
    pub paths: Vec<CatalogEntry>,
}

impl Service {
    /// The courses and published learning paths a portal offers, whose name contains `name`, and
    /// whether the user (the caller, or one its manager names) is enrolled in each.
    pub fn portal_catalog(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        user_id: i64,
        name: Option<&str>,
    ) -> Result<Catalog, OpError> {
        let member = self.member(tx, principal)?;
        let user_id = self.user_in_reach(tx, principal, &member, user_id)?;
        let portal =
            store::portal(tx, principal.tenant_id, portal_id)?.ok_or_else(|| OpError::not_found(Entity::Portal, &portal_id.to_string()))?;
        let needle = name.map(str::to_lowercase);
        let named = |text: &str| needle.as_deref().is_none_or(|n| text.to_lowercase().contains(n));
        let mut courses = Vec::new();
        for (course_id, _) in store::courses_of(tx, portal.id)? {
            let Some(card) = crate::store::progress::course_card(tx, principal.tenant_id, course_id)? else { continue };
            if named(&card.title) {
                let enrolled = crate::store::offerings::active_enrollment_of(tx, course_id, user_id)?.is_some();
                courses.push(CatalogEntry {
                    id: card.id,
                    slug: card.slug.unwrap_or_else(|| slug_of(&card.title)),
                    name: card.title,
                    enrolled,
                });
            }
        }
        let offered = crate::store::paths::paths_of_portal(tx, portal.id, true)?;
        let ids: Vec<i64> = offered.iter().map(|path| path.id).collect();
        let enrolled_in: Vec<i64> = crate::store::paths::paths_of_learner(tx, user_id, &ids)?;
        let paths = offered
            .into_iter()
            .filter(|path| named(&path.name))
            .map(|path| CatalogEntry { enrolled: enrolled_in.contains(&path.id), id: path.id, name: path.name, slug: path.slug })
            .collect();
        Ok(Catalog { portal_slug: portal.slug, courses, paths })
    }

    /// The caller's enrollments in the courses a portal offers: the portal's slug, totals by
    /// status, how many match, one page.
    pub fn my_portal_courses(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        portal_id: i64,
        request: &super::progress::CoursesRequest,
    ) -> Result<(String, crate::store::progress::Totals, i64, Vec<super::progress::LearnerView>), OpError> {
        let member = self.member(tx, principal)?;
        let portal =
            store::portal(tx, principal.tenant_id, portal_id)?.ok_or_else(|| OpError::not_found(Entity::Portal, &portal_id.to_string()))?;
        let courses: Vec<i64> = store::courses_of(tx, portal.id)?.into_iter().map(|(course, _)| course).collect();
        let (totals, filtered, views) = self.learner_courses(tx, principal, member.user_id, Reach::default(), Some(courses), request)?;
        Ok((portal.slug, totals, filtered, views))
    }
}

/// A bulk upload: new learners, the courses and learning paths they are enrolled in, the
/// membership they hold and the portal they join.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkUpload {
    pub learners: Vec<NewLearner>,
    pub courses: Vec<i64>,
    pub paths: Vec<i64>,
    /// `None`: no membership.
    pub membership: Option<i64>,
    /// `None`: no portal (only those who reach the whole account).
    pub portal: Option<i64>,
}

/// A quick edit of many users: each part given is applied to every one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuickEdit {
    pub users: Vec<i64>,
    pub courses: Vec<i64>,
    pub paths: Vec<i64>,
    pub disabled: Option<bool>,
    pub membership: Option<i64>,
    /// The users must be learners of this portal (or its sub-portals); enrollments count it.
    pub portal: Option<i64>,
}

impl Service {
    /// The tenant's membership `id` and its own expiry.
    fn membership(tx: &mut Tx<'_>, principal: &Principal, id: i64) -> Result<(i64, Option<NaiveDateTime>), OpError> {
        store::membership(tx, principal.tenant_id, id)?.ok_or_else(|| OpError::not_found(Entity::Membership, &id.to_string()))
    }

    /// Refuses an unknown course or learning path before anything changes.
    fn known_content(tx: &mut Tx<'_>, principal: &Principal, courses: &[i64], paths: &[i64]) -> Result<(), OpError> {
        let found = crate::store::progress::courses_of_tenant(tx, principal.tenant_id, courses)?;
        if let Some(unknown) = courses.iter().find(|c| !found.contains(c)) {
            return Err(OpError::not_found(Entity::Course, &unknown.to_string()));
        }
        for path in paths {
            crate::store::paths::path(tx, principal.tenant_id, *path)?
                .ok_or_else(|| OpError::not_found(Entity::LearningPath, &path.to_string()))?;
        }
        Ok(())
    }

    /// Makes users from an upload (the rows' fields named `userList.N.…`), as adding learners to
    /// the portal makes them (blocked domains, seats, the courses new learners get), enrolls them in
    /// the courses and learning paths, and gives them the membership. Returns how many were made.
    pub fn bulk_upload(&self, tx: &mut Tx<'_>, principal: &Principal, upload: &BulkUpload) -> Result<usize, OpError> {
        let member = self.portal_manager(tx, principal)?;
        if upload.learners.is_empty() {
            return Err(OpError::wrong(ProblemKind::Required, "userList", "The user list field is required."));
        }
        Self::known_content(tx, principal, &upload.courses, &upload.paths)?;
        let membership = upload.membership.map(|id| Self::membership(tx, principal, id)).transpose()?;
        let users = match upload.portal {
            Some(portal) => self.join_portal(tx, principal, portal, &Joining::New(upload.learners.clone()), &upload.courses, "userList")?.0,
            None if member.role == AomRole::PortalAdmin => {
                return Err(OpError::Forbidden("a portal admin uploads users into its portals".into()));
            }
            None => {
                let users = self.make_learners(tx, principal, &upload.learners, "userList")?;
                self.enroll_new_learners(tx, principal, &users, &upload.courses)?;
                users
            }
        };
        for path in &upload.paths {
            self.enroll_in_path(tx, principal, *path, &users, upload.portal)?;
        }
        if let Some((id, expired_at)) = membership {
            store::set_membership(tx, &users, id, expired_at)?;
        }
        Ok(users.len())
    }

    /// Applies a quick edit to users within the caller's reach (and the portal): every user named
    /// must be, else nothing changes (404). Enrolls them in the courses and learning paths they are
    /// not in yet, disables or enables them, and gives them the membership.
    pub fn quick_edit(&self, tx: &mut Tx<'_>, principal: &Principal, edit: &QuickEdit) -> Result<(), OpError> {
        let member = self.portal_manager(tx, principal)?;
        if edit.users.is_empty() {
            return Err(OpError::wrong(ProblemKind::Required, "user_ids", "The user ids field is required."));
        }
        Self::known_content(tx, principal, &edit.courses, &edit.paths)?;
        let membership = edit.membership.map(|id| Self::membership(tx, principal, id)).transpose()?;
        let reach = Self::reach_within(tx, principal, &member, edit.portal)?;
        let mut users = edit.users.clone();
        users.sort_unstable();
        users.dedup();
        let found = crate::store::progress::users_within(tx, principal.tenant_id, &users, &reach)?;
        if let Some(unknown) = users.iter().find(|id| !found.contains(id)) {
            return Err(OpError::not_found(Entity::User, &unknown.to_string()));
        }
        for course in &edit.courses {
            self.enroll_in_course(tx, principal, *course, &users, edit.portal)?;
        }
        for path in &edit.paths {
            self.enroll_in_path(tx, principal, *path, &users, edit.portal)?;
        }
        if let Some(disabled) = edit.disabled {
            // The user rules of every face decide what a disabled user is.
            let admin = Principal { role: Role::AccountAdministrator, managed_departments: Vec::new(), ..principal.clone() };
            let ids = users
                .iter()
                .map(|id| ExternalId::parse(&users::external_id_of(tx, *id)?).map_err(|r| OpError::Internal(r.reason)))
                .collect::<Result<Vec<_>, OpError>>()?;
            let status = if disabled { crate::domain::UserStatus::Inactive } else { crate::domain::UserStatus::Active };
            self.set_users_status(tx, &admin, &ids, status)?;
        }
        if let Some((id, expired_at)) = membership {
            store::set_membership(tx, &users, id, expired_at)?;
        }
        Ok(())
    }

    /// Gives a user (within the caller's reach) a membership until `expired_at`, or the
    /// membership's own expiry when none is given; a moment past revokes it.
    pub fn set_user_membership(
        &self,
        tx: &mut Tx<'_>,
        principal: &Principal,
        user_id: i64,
        membership_id: i64,
        expired_at: Option<NaiveDateTime>,
    ) -> Result<(), OpError> {
        let member = self.portal_manager(tx, principal)?;
        let user = crate::store::progress::users_within(tx, principal.tenant_id, &[user_id], &member.reach_all())?
            .first()
            .copied()
            .ok_or_else(|| OpError::not_found(Entity::User, &user_id.to_string()))?;
        let (id, own_expiry) = Self::membership(tx, principal, membership_id)?;
        store::set_membership(tx, &[user], id, expired_at.or(own_expiry))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_are_lower_case_words_with_dashes() {
        assert_eq!(slug_of("Sales Academy"), "sales-academy");
        assert_eq!(slug_of("\"EduPortal\""), "eduportal");
        assert_eq!(slug_of("  --  "), "portal");
    }
}
