/// A role in the hub around one child (DESIGN.md, "hub membership"). The roles are the
/// ones the method's source documents name; the policy says what each may read and write.
public enum HubRole: String, CaseIterable, Hashable, Sendable, Comparable {
    /// The case worker at social services (socialsekreterare).
    case socialSecretary = "social_secretary"
    /// The legal guardian appointed for an unaccompanied child (god man, lag 2005:429).
    case guardian
    /// The child's named adult at the residential home (HVB) or foster family (kontaktperson).
    case contactPerson = "contact_person"
    /// The child's mentor at school.
    case schoolMentor = "school_mentor"
    /// Health care or child psychiatry (BUP).
    case health
    /// A volunteer organisation's contact.
    case volunteer
    /// The Migration Agency's case officer.
    case migrationOfficer = "migration_officer"
    /// The police.
    case police

    public static func < (lhs: HubRole, rhs: HubRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
