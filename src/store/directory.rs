//! Users and groups as an identity provider searches them: conditions over their attributes
//! ([`crate::domain::directory`]) compiled to one SQL statement with bound parameters, sorted and
//! paged in the database (never filtered in memory), and the columns only identity providers write.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, SmallInt, Text, Timestamp};

use super::schema::{app_user, department, user_group, user_group_member};
use super::{Tx, on_conn};
use crate::domain::directory::{Comparison, Condition, GroupAttribute, Sort, UserAttribute, Value, Window};

/// A bound parameter of a compiled statement.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Param {
    Text(String),
    BigInt(i64),
    Time(NaiveDateTime),
    Double(f64),
    Bool(bool),
}

/// A statement being written: its text, with placeholders in the backend's spelling (`?` for
/// SQLite, `$n` for PostgreSQL), and the parameters they stand for, in order.
pub(super) struct Statement {
    text: String,
    params: Vec<Param>,
    numbered: bool,
}

impl Statement {
    pub(super) fn new(tx: &Tx<'_>) -> Self {
        Statement { text: String::new(), params: Vec::new(), numbered: matches!(tx, Tx::Pg(_)) }
    }

    pub(super) fn sql(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    pub(super) fn bind(&mut self, param: Param) -> &mut Self {
        self.params.push(param);
        if self.numbered {
            self.text.push_str(&format!("${}", self.params.len()));
        } else {
            self.text.push('?');
        }
        self
    }

    pub(super) fn load<T>(self, tx: &mut Tx<'_>) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
    {
        on_conn!(tx, |c| {
            let mut query = diesel::sql_query(self.text.clone()).into_boxed();
            for param in &self.params {
                query = match param.clone() {
                    Param::Text(text) => query.bind::<Text, _>(text),
                    Param::BigInt(number) => query.bind::<BigInt, _>(number),
                    Param::Time(time) => query.bind::<Timestamp, _>(time),
                    Param::Double(number) => query.bind::<Double, _>(number),
                    Param::Bool(flag) => query.bind::<Bool, _>(flag),
                };
            }
            query.load::<T>(c)
        })
    }
}

/// Where an attribute lives in the compiled statement.
enum Target {
    /// A text column, compared as written (`exact`) or without case.
    Text {
        column: &'static str,
        exact: bool,
    },
    /// The user's status: 1 active, 3 inactive.
    Status,
    Time(&'static str),
    /// The user's name as a whole: present when either part is.
    Name,
    /// The department's name, absent for the tenant's default department.
    Department,
    /// The manager's id, present while the manager lives.
    Manager,
}

/// An attribute a condition can name, and where it is in the statement.
trait Searchable: Copy {
    fn target(self) -> Target;
    /// Whether it is a value of a membership (a user's groups, a group's members).
    fn of_membership(self) -> bool;
    /// Opens the condition that ranges over one record's memberships: the record is among those
    /// having a membership that meets what follows (a subquery that starts from the tenant's
    /// groups, or users, through their indexes, rather than from every record of the tenant).
    fn open_membership(statement: &mut Statement, context: &Context);
}

impl Searchable for UserAttribute {
    fn target(self) -> Target {
        let text = |column, exact| Target::Text { column, exact };
        match self {
            UserAttribute::Id => text("u.external_id", true),
            UserAttribute::ExternalId => text("u.scim_external_id", true),
            UserAttribute::UserName => text("u.login", false),
            UserAttribute::GivenName => text("u.first_name", false),
            UserAttribute::FamilyName => text("u.last_name", false),
            UserAttribute::Name => Target::Name,
            UserAttribute::DisplayName => text("u.display_name", false),
            UserAttribute::Email => text("u.email", false),
            UserAttribute::EmailType => text("u.email_type", false),
            UserAttribute::Active => Target::Status,
            UserAttribute::EmployeeNumber => text("u.employee_number", false),
            UserAttribute::Department => Target::Department,
            UserAttribute::Manager => Target::Manager,
            UserAttribute::GroupId => text("g.external_id", true),
            UserAttribute::GroupName => text("g.name", false),
            UserAttribute::Created => Target::Time("u.created_at"),
            UserAttribute::LastModified => Target::Time("u.updated_at"),
        }
    }

    fn of_membership(self) -> bool {
        self.of_groups()
    }

    fn open_membership(statement: &mut Statement, context: &Context) {
        statement
            .sql("u.id IN (SELECT gm.user_id FROM user_group_member gm JOIN user_group g ON g.id = gm.group_id WHERE g.tenant_id = ")
            .bind(Param::BigInt(context.tenant_id))
            .sql(" AND ");
    }
}

impl Searchable for GroupAttribute {
    fn target(self) -> Target {
        match self {
            GroupAttribute::Id => Target::Text { column: "g.external_id", exact: true },
            GroupAttribute::ExternalId => Target::Text { column: "g.scim_external_id", exact: true },
            GroupAttribute::DisplayName => Target::Text { column: "g.name", exact: false },
            GroupAttribute::MemberId => Target::Text { column: "mu.external_id", exact: true },
            GroupAttribute::Created => Target::Time("g.created_at"),
            GroupAttribute::LastModified => Target::Time("g.updated_at"),
        }
    }

    fn of_membership(self) -> bool {
        self.of_groups()
    }

    fn open_membership(statement: &mut Statement, context: &Context) {
        statement
            .sql("g.id IN (SELECT gm.group_id FROM user_group_member gm JOIN app_user mu ON mu.id = gm.user_id WHERE mu.tenant_id = ")
            .bind(Param::BigInt(context.tenant_id))
            .sql(" AND mu.deleted_at IS NULL AND ");
    }
}

/// `LIKE` pattern text: `%`, `_` and the escape character itself taken literally.
pub(super) fn like_escaped(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// What the compiled conditions need to know of the tenant.
struct Context {
    tenant_id: i64,
    /// The department users are in when an identity provider names none.
    default_department: i64,
}

fn compile<A: Searchable>(statement: &mut Statement, condition: &Condition<A>, context: &Context, in_membership: bool) {
    match condition {
        Condition::And(a, b) | Condition::Or(a, b) => {
            let joiner = if matches!(condition, Condition::And(..)) { " AND " } else { " OR " };
            statement.sql("(");
            compile(statement, a, context, in_membership);
            statement.sql(joiner);
            compile(statement, b, context, in_membership);
            statement.sql(")");
        }
        // A comparison with a missing value is unknown in SQL; `not` makes it false, not unknown.
        Condition::Not(inner) => {
            statement.sql("NOT COALESCE((");
            compile(statement, inner, context, in_membership);
            statement.sql("), FALSE)");
        }
        Condition::AnyMembership(inner) if !in_membership => {
            A::open_membership(statement, context);
            statement.sql("(");
            compile(statement, inner, context, true);
            statement.sql("))");
        }
        Condition::AnyMembership(inner) => compile(statement, inner, context, true),
        Condition::Present(attribute) | Condition::Compare(attribute, ..) if attribute.of_membership() && !in_membership => {
            compile(statement, &Condition::AnyMembership(Box::new(condition.clone())), context, false);
        }
        Condition::Present(attribute) => match attribute.target() {
            Target::Text { column, .. } | Target::Time(column) => {
                statement.sql(column).sql(" IS NOT NULL");
            }
            Target::Status => {
                statement.sql("1 = 1");
            }
            Target::Name => {
                statement.sql("(u.first_name IS NOT NULL OR u.last_name IS NOT NULL)");
            }
            Target::Department => {
                statement.sql("u.department_id <> ").bind(Param::BigInt(context.default_department));
            }
            Target::Manager => {
                statement.sql("mgr.id IS NOT NULL");
            }
        },
        Condition::Compare(attribute, comparison, value) => compare(statement, attribute.target(), *comparison, value, context),
    }
}

fn compare(statement: &mut Statement, target: Target, comparison: Comparison, value: &Value, context: &Context) {
    let operator = match comparison {
        Comparison::Equal => "=",
        Comparison::NotEqual => "<>",
        Comparison::Greater => ">",
        Comparison::GreaterOrEqual => ">=",
        Comparison::Less => "<",
        Comparison::LessOrEqual => "<=",
        Comparison::Contains | Comparison::StartsWith | Comparison::EndsWith => "LIKE",
    };
    let (column, exact) = match (&target, value) {
        (Target::Text { column, exact }, Value::Text(_)) => (*column, *exact),
        // Users of the default department have none: they are not equal to any name. The
        // departments are found first, through their index, then their users through theirs.
        (Target::Department, Value::Text(_)) => {
            let (test, joiner, within) = match comparison {
                Comparison::NotEqual => ("(u.department_id = ", " OR ", "u.department_id NOT IN ("),
                _ => ("(u.department_id <> ", " AND ", "u.department_id IN ("),
            };
            statement.sql(test).bind(Param::BigInt(context.default_department)).sql(joiner).sql(within);
            statement.sql("SELECT dd.id FROM department dd WHERE dd.tenant_id = ").bind(Param::BigInt(context.tenant_id)).sql(" AND ");
            let comparison = if comparison == Comparison::NotEqual { Comparison::Equal } else { comparison };
            compare(statement, Target::Text { column: "dd.name", exact: false }, comparison, value, context);
            statement.sql("))");
            return;
        }
        // The managers are found first, through the tenant's ids, then their reports through theirs.
        (Target::Manager, Value::Text(_)) => {
            let within = match comparison {
                Comparison::NotEqual => "(mgr.id IS NULL OR u.manager_id NOT IN (",
                _ => "(u.manager_id IN (",
            };
            statement.sql(within).sql("SELECT mm.id FROM app_user mm WHERE mm.tenant_id = ").bind(Param::BigInt(context.tenant_id));
            statement.sql(" AND mm.deleted_at IS NULL AND ");
            let comparison = if comparison == Comparison::NotEqual { Comparison::Equal } else { comparison };
            compare(statement, Target::Text { column: "mm.external_id", exact: true }, comparison, value, context);
            statement.sql("))");
            return;
        }
        (Target::Status, Value::Boolean(active)) => {
            let code = if *active { 1 } else { 3 };
            let operator = if comparison == Comparison::NotEqual { "<>" } else { "=" };
            statement.sql(&format!("u.status {operator} {code}"));
            return;
        }
        (Target::Time(column), Value::DateTime(time)) => {
            // An absent value is not equal to any: `ne` matches it.
            if comparison == Comparison::NotEqual {
                statement.sql("(").sql(column).sql(" IS NULL OR ").sql(column).sql(" <> ").bind(Param::Time(*time)).sql(")");
            } else {
                statement.sql(column).sql(&format!(" {operator} ")).bind(Param::Time(*time));
            }
            return;
        }
        // The domain's check refuses every other pairing before a statement is written.
        _ => {
            statement.sql("1 = 0");
            return;
        }
    };
    let Value::Text(text) = value else { unreachable!("text targets compare with text") };
    let (left, right) = if exact { (column.to_string(), "") } else { (format!("lower({column})"), "lower(") };
    let param = match comparison {
        Comparison::Contains => Param::Text(format!("%{}%", like_escaped(text))),
        Comparison::StartsWith => Param::Text(format!("{}%", like_escaped(text))),
        Comparison::EndsWith => Param::Text(format!("%{}", like_escaped(text))),
        _ => Param::Text(text.clone()),
    };
    if comparison == Comparison::NotEqual {
        statement.sql("(").sql(column).sql(" IS NULL OR ");
    }
    statement.sql(&left).sql(&format!(" {operator} ")).sql(right).bind(param);
    if !right.is_empty() {
        statement.sql(")");
    }
    if operator == "LIKE" {
        statement.sql(" ESCAPE '\\'");
    }
    if comparison == Comparison::NotEqual {
        statement.sql(")");
    }
}

/// The `ORDER BY` of a sort: absent values last, then in creation order (the key).
fn order_by(statement: &mut Statement, sort: Option<(Target, bool)>, key: &str) {
    statement.sql(" ORDER BY ");
    if let Some((target, descending)) = sort {
        let expression = match target {
            Target::Text { column, exact: true } => column.to_string(),
            Target::Text { column, exact: false } => format!("lower({column})"),
            Target::Status => "u.status".into(),
            Target::Time(column) => column.to_string(),
            Target::Name => "lower(u.last_name)".into(),
            Target::Department => "lower(d.name)".into(),
            Target::Manager => "mgr.external_id".into(),
        };
        let direction = if descending { "DESC" } else { "ASC" };
        statement.sql(&format!("CASE WHEN {expression} IS NULL THEN 1 ELSE 0 END, {expression} {direction}, "));
    }
    statement.sql(key);
}

fn window(statement: &mut Statement, window: Window) {
    statement.sql(" LIMIT ").bind(Param::BigInt(window.count)).sql(" OFFSET ").bind(Param::BigInt((window.start - 1).max(0)));
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// A user as an identity provider sees them.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DirectoryUserRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub external_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub scim_external_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub login: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub display_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub email_type: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub employee_number: Option<String>,
    #[diesel(sql_type = SmallInt)]
    pub status: i16,
    #[diesel(sql_type = BigInt)]
    pub department_id: i64,
    #[diesel(sql_type = Text)]
    pub department_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub manager_external_id: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    pub updated_at: NaiveDateTime,
}

const USER_SOURCE: &str = " FROM app_user u JOIN department d ON d.id = u.department_id \
     LEFT JOIN app_user mgr ON mgr.id = u.manager_id AND mgr.deleted_at IS NULL \
     WHERE u.deleted_at IS NULL AND u.tenant_id = ";

const USER_COLUMNS: &str = "SELECT u.id AS id, u.external_id AS external_id, u.scim_external_id AS scim_external_id, \
     u.login AS login, u.first_name AS first_name, u.last_name AS last_name, u.display_name AS display_name, \
     u.email AS email, u.email_type AS email_type, u.employee_number AS employee_number, u.status AS status, \
     u.department_id AS department_id, d.name AS department_name, mgr.external_id AS manager_external_id, \
     u.created_at AS created_at, u.updated_at AS updated_at";

/// What a search of users asks for: the tenant's live users meeting `condition` (all without one),
/// sorted, the page `window` of them (none with a count of 0).
pub struct UserSearch<'a> {
    pub tenant_id: i64,
    pub default_department: i64,
    pub condition: Option<&'a Condition<UserAttribute>>,
    pub sort: Option<Sort<UserAttribute>>,
    pub window: Window,
}

/// How many users meet the search's condition, and its page of them.
pub fn search_users(tx: &mut Tx<'_>, search: &UserSearch<'_>) -> QueryResult<(i64, Vec<DirectoryUserRow>)> {
    let context = Context { tenant_id: search.tenant_id, default_department: search.default_department };
    let filtered = |tx: &Tx<'_>, head: &str| {
        let mut statement = Statement::new(tx);
        statement.sql(head).sql(USER_SOURCE).bind(Param::BigInt(search.tenant_id));
        if let Some(condition) = search.condition {
            statement.sql(" AND ");
            compile(&mut statement, condition, &context, false);
        }
        statement
    };
    let total = filtered(tx, "SELECT COUNT(*) AS total").load::<Total>(tx)?.pop().map_or(0, |t| t.total);
    if search.window.count <= 0 || total == 0 {
        return Ok((total, Vec::new()));
    }
    let mut statement = filtered(tx, USER_COLUMNS);
    order_by(&mut statement, search.sort.map(|sort| (sort.by.target(), sort.descending)), "u.id");
    window(&mut statement, search.window);
    Ok((total, statement.load(tx)?))
}

/// The tenant's live user with this external id.
pub fn user(tx: &mut Tx<'_>, tenant_id: i64, default_department: i64, external_id: &str) -> QueryResult<Option<DirectoryUserRow>> {
    let condition = Condition::Compare(UserAttribute::Id, Comparison::Equal, Value::Text(external_id.to_string()));
    let search =
        UserSearch { tenant_id, default_department, condition: Some(&condition), sort: None, window: Window { start: 1, count: 1 } };
    Ok(search_users(tx, &search)?.1.pop())
}

/// A group a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Membership {
    pub user_id: i64,
    pub group_external_id: String,
    pub group_name: String,
}

/// The groups of the given users, in group order.
pub fn memberships(tx: &mut Tx<'_>, user_ids: &[i64]) -> QueryResult<Vec<Membership>> {
    on_conn!(tx, |c| user_group_member::table
        .inner_join(user_group::table)
        .filter(user_group_member::user_id.eq_any(user_ids))
        .select((user_group_member::user_id, user_group::external_id, user_group::name))
        .order(user_group::id)
        .load(c))
}

/// The columns only identity providers write; `None` clears a column.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = app_user, treat_none_as_null = true)]
pub struct DirectoryFields<'a> {
    pub scim_external_id: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub email_type: Option<&'a str>,
    pub employee_number: Option<&'a str>,
    pub manager_id: Option<i64>,
}

pub fn set_directory_fields(tx: &mut Tx<'_>, user_id: i64, fields: &DirectoryFields<'_>) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(app_user::table.find(user_id)).set(fields).execute(c))
}

/// Whether making `manager` the manager of `user` would close a loop (`user` manages `manager`,
/// directly or through others).
pub fn manages(tx: &mut Tx<'_>, user: i64, manager: i64) -> QueryResult<bool> {
    let mut current = Some(manager);
    let mut steps = 0;
    while let Some(id) = current {
        if id == user {
            return Ok(true);
        }
        steps += 1;
        if steps > 10_000 {
            return Ok(true);
        }
        current = on_conn!(tx, |c| app_user::table.find(id).select(app_user::manager_id).first::<Option<i64>>(c).optional())?.flatten();
    }
    Ok(false)
}

/// The tenant's users whose manager is `user`: their manager is cleared (a deleted user manages
/// no one).
pub fn clear_manager(tx: &mut Tx<'_>, tenant_id: i64, user: i64) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(app_user::table.filter(app_user::tenant_id.eq(tenant_id)).filter(app_user::manager_id.eq(user)))
        .set(app_user::manager_id.eq(None::<i64>))
        .execute(c))
}

/// The department users are placed in when none is named: the tenant's oldest top-level one.
pub fn default_department(tx: &mut Tx<'_>, tenant_id: i64) -> QueryResult<Option<i64>> {
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .filter(department::parent_id.is_null())
        .order(department::id)
        .select(department::id)
        .first(c)
        .optional())
}

/// The tenant's department named `name` (in any case), else the one whose code it is; the oldest
/// when several are.
pub fn department_named(tx: &mut Tx<'_>, tenant_id: i64, name: &str) -> QueryResult<Option<i64>> {
    let lowered = name.to_string();
    let by_name: Option<i64> = on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .filter(super::lower(department::name).eq(super::lower(&lowered)))
        .order(department::id)
        .select(department::id)
        .first(c)
        .optional())?;
    if by_name.is_some() {
        return Ok(by_name);
    }
    on_conn!(tx, |c| department::table
        .filter(department::tenant_id.eq(tenant_id))
        .filter(department::code.eq(name))
        .order(department::id)
        .select(department::id)
        .first(c)
        .optional())
}

/// A group as an identity provider sees it.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DirectoryGroupRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub external_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub scim_external_id: Option<String>,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub updated_at: Option<NaiveDateTime>,
}

const GROUP_COLUMNS: &str = "SELECT g.id AS id, g.external_id AS external_id, g.scim_external_id AS scim_external_id, \
     g.name AS name, g.created_at AS created_at, g.updated_at AS updated_at";

/// What a search of groups asks for, as [`UserSearch`] for users.
pub struct GroupSearch<'a> {
    pub tenant_id: i64,
    pub condition: Option<&'a Condition<GroupAttribute>>,
    pub sort: Option<Sort<GroupAttribute>>,
    pub window: Window,
}

/// How many groups meet the search's condition, and its page of them.
pub fn search_groups(tx: &mut Tx<'_>, search: &GroupSearch<'_>) -> QueryResult<(i64, Vec<DirectoryGroupRow>)> {
    let context = Context { tenant_id: search.tenant_id, default_department: 0 };
    let filtered = |tx: &Tx<'_>, head: &str| {
        let mut statement = Statement::new(tx);
        statement.sql(head).sql(" FROM user_group g WHERE g.tenant_id = ").bind(Param::BigInt(search.tenant_id));
        if let Some(condition) = search.condition {
            statement.sql(" AND ");
            compile(&mut statement, condition, &context, false);
        }
        statement
    };
    let total = filtered(tx, "SELECT COUNT(*) AS total").load::<Total>(tx)?.pop().map_or(0, |t| t.total);
    if search.window.count <= 0 || total == 0 {
        return Ok((total, Vec::new()));
    }
    let mut statement = filtered(tx, GROUP_COLUMNS);
    order_by(&mut statement, search.sort.map(|sort| (sort.by.target(), sort.descending)), "g.id");
    window(&mut statement, search.window);
    Ok((total, statement.load(tx)?))
}

/// The tenant's group with this external id.
pub fn group(tx: &mut Tx<'_>, tenant_id: i64, external_id: &str) -> QueryResult<Option<DirectoryGroupRow>> {
    let condition = Condition::Compare(GroupAttribute::Id, Comparison::Equal, Value::Text(external_id.to_string()));
    let search = GroupSearch { tenant_id, condition: Some(&condition), sort: None, window: Window { start: 1, count: 1 } };
    Ok(search_groups(tx, &search)?.1.pop())
}

/// Renames a group and sets its identity provider's id.
pub fn set_group_fields(
    tx: &mut Tx<'_>,
    group_id: i64,
    name: &str,
    scim_external_id: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    on_conn!(tx, |c| diesel::update(user_group::table.find(group_id))
        .set((user_group::name.eq(name), user_group::scim_external_id.eq(scim_external_id), user_group::updated_at.eq(now)))
        .execute(c))
}

/// Deletes a group and its memberships.
pub fn delete_group(tx: &mut Tx<'_>, group_id: i64) -> QueryResult<()> {
    on_conn!(tx, |c| {
        diesel::delete(user_group_member::table.filter(user_group_member::group_id.eq(group_id))).execute(c)?;
        diesel::delete(user_group::table.find(group_id)).execute(c)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled<A: Searchable>(condition: &Condition<A>, numbered: bool) -> (String, Vec<Param>) {
        let mut statement = Statement { text: String::new(), params: Vec::new(), numbered };
        compile(&mut statement, condition, &Context { tenant_id: 3, default_department: 7 }, false);
        (statement.text, statement.params)
    }

    fn text(a: UserAttribute, c: Comparison, v: &str) -> Condition<UserAttribute> {
        Condition::Compare(a, c, Value::Text(v.into()))
    }

    #[test]
    fn conditions_compile_to_bound_sql() {
        let condition = Condition::And(
            Box::new(text(UserAttribute::UserName, Comparison::StartsWith, "a_b%")),
            Box::new(Condition::Not(Box::new(text(UserAttribute::Id, Comparison::Equal, "x")))),
        );
        let (sql, params) = compiled(&condition, true);
        assert_eq!(sql, "(lower(u.login) LIKE lower($1) ESCAPE '\\' AND NOT COALESCE((u.external_id = $2), FALSE))");
        assert_eq!(params, [Param::Text("a\\_b\\%%".into()), Param::Text("x".into())]);
        let (sql, _) = compiled(&text(UserAttribute::Email, Comparison::NotEqual, "a@b"), false);
        assert_eq!(sql, "(u.email IS NULL OR lower(u.email) <> lower(?))");
    }

    #[test]
    fn membership_values_are_compared_within_one_membership() {
        let condition = Condition::AnyMembership(Box::new(Condition::And(
            Box::new(text(UserAttribute::GroupId, Comparison::Equal, "g1")),
            Box::new(text(UserAttribute::GroupName, Comparison::Contains, "sales")),
        )));
        let (sql, params) = compiled(&condition, false);
        assert!(sql.starts_with("u.id IN (SELECT gm.user_id FROM user_group_member gm JOIN user_group g"), "{sql}");
        assert!(sql.ends_with("g.tenant_id = ? AND ((g.external_id = ? AND lower(g.name) LIKE lower(?) ESCAPE '\\')))"), "{sql}");
        assert_eq!(params, [Param::BigInt(3), Param::Text("g1".into()), Param::Text("%sales%".into())]);
        let (sql, _) = compiled(&Condition::Present(UserAttribute::GroupId), false);
        assert!(sql.starts_with("u.id IN (") && sql.ends_with("(g.external_id IS NOT NULL))"), "{sql}");
        let (sql, params) = compiled(&text(UserAttribute::Department, Comparison::Equal, "Sales"), false);
        assert_eq!(
            sql,
            "(u.department_id <> ? AND u.department_id IN (SELECT dd.id FROM department dd WHERE dd.tenant_id = ? AND lower(dd.name) = lower(?)))"
        );
        assert_eq!(params, [Param::BigInt(7), Param::BigInt(3), Param::Text("Sales".into())]);
        let (sql, _) = compiled(&text(UserAttribute::Department, Comparison::NotEqual, "Sales"), false);
        assert!(sql.starts_with("(u.department_id = ? OR u.department_id NOT IN (SELECT dd.id"), "{sql}");
    }
}
