/// The kinds of organisation around a child, as the method names them.
///
/// Pure policy code names kinds (`AccessPolicy.RoleRule.kinds`, `AccessPolicy.registrar`,
/// `AccessPolicy.MissingRule.kinds`) by these codes; `PolicyOrganisation.kind` carries one.
/// The codes are stored in the central store's `organisations.kind` and never change.
public enum OrganisationKind: String, CaseIterable, Hashable, Sendable {
    case socialServices = "social_services"
    case residentialHome = "residential_home"
    case fosterFamily = "foster_family"
    case guardian
    case guardianshipBoard = "guardianship_board"
    case school
    case health
    case migrationAgency = "migration_agency"
    case police
    case volunteer
    case countyBoard = "county_board"
    case supportOffice = "support_office"
}
