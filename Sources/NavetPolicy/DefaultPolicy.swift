// The default policy, embedded. Keep it byte-identical to Protocol/policy/default.json
// (DefaultPolicyTests checks): edit that file, then paste its whole text between the
// delimiters below, followed by one empty line (a multi-line literal drops the last line
// break before its closing delimiter, and the file ends with one).

extension PolicyFile {
    /// The text of the default policy (`navetd policy show --default` prints it), the
    /// policy in force until an office loads its own (version 0 in `policyInForce`).
    /// It follows the secrecy rules named in `Protocol/TAGS.md`; counsel reviews it.
    public static let defaultText = #"""
{
  "navet_policy": 1,
  "label": "default 2026-11",
  "rules": [
    {
      "id": "social_secretary",
      "kinds": ["social_services"],
      "roles": ["social_secretary"],
      "read": ["basic", "school", "case", "search", "asylum", "protected"],
      "write": ["basic", "case", "search", "asylum", "protected"],
      "why": "Social services hold the child's case and answer for the child's care; the case is theirs under OSL 26:1. They receive school information (OSL 23:2 second paragraph: open unless harm can be assumed) and the asylum case (OSL 37:1, open unless harm; the Migration Agency may also disclose it under 10:27, GK) because both are needed to plan the child's care. They mark protected identity (OSL 21:3, 22:1), so they read and write it. Health is not given by default: health care's secrecy (OSL 25:1) is lifted towards social services only by the provider's own decision under 25:12 for a child under 18 (details GK) or by consent (12:2), and a standing rule cannot be that decision; record the consent when it is given."
    },
    {
      "id": "guardian",
      "kinds": ["guardian"],
      "roles": ["guardian"],
      "read": ["basic", "school", "case", "search", "asylum", "health", "protected"],
      "write": ["basic", "case", "search", "asylum", "health"],
      "why": "The god man acts in place of the child's parents, in personal, financial and legal matters (lag 2005:429), so the god man receives what a custodial parent would need: the case, school, the asylum case in which the god man represents the child, health (the god man consents to care) and protected identity. The god man is not an authority and no statutory duty of confidentiality was found (bet. 2004/05:LU26); onward sharing is limited by agreement. Secrecy that protects a child against its guardian (OSL 12:3) may apply to a god man too (GK): information that must be kept from the god man stays internal to the organisation that holds it."
    },
    {
      "id": "contact_person",
      "kinds": ["residential_home", "foster_family"],
      "roles": ["contact_person"],
      "read": ["basic", "school", "case", "search", "protected"],
      "write": ["basic", "case", "search"],
      "why": "The residential home (HVB) or foster family cares for the child every day on social services' assignment: social services disclose what the placement needs because it is necessary for their own task (OSL 10:2). A municipal HVB is itself bound by OSL 26:1; a private HVB by the confidentiality of the social services act (SoL 15:1 in the 2001 act; the 2025 act's section is unverified); a foster family as social services' contractor (OSL 2:1, GK). School information is open unless harm can be assumed (OSL 23:2 second paragraph) and the home gets the child to school. The home must know of protected identity to keep the child's address secret. It often notices first that a child is missing, so it writes the search description. No asylum or health by default: consent widens it."
    },
    {
      "id": "school_mentor",
      "kinds": ["school"],
      "roles": ["school_mentor"],
      "read": ["basic", "school"],
      "write": ["school"],
      "why": "The school needs the child's identity and its own pupil information. Its general pupil support is open unless harm can be assumed (OSL 23:2 second paragraph); pupil health's psychosocial work is secret unless clearly harmless (23:2 first paragraph) and the school nurse and doctor are health care (25:1), so those notes are raised to health or kept internal by their author. The school receives nothing of the case, the asylum case or health without consent."
    },
    {
      "id": "health",
      "kinds": ["health"],
      "roles": ["health"],
      "read": ["basic", "health"],
      "write": ["health"],
      "why": "Health care and child psychiatry (BUP) need the child's identity and keep their own health information under OSL 25:1 (a private provider under the patient safety act, chapter 6). They receive nothing of the case, school or asylum without consent; social services may disclose to health care for a child under 18 under OSL 26:9 case by case (details GK), which a consent records here."
    },
    {
      "id": "migration_officer",
      "kinds": ["migration_agency"],
      "roles": ["migration_officer"],
      "read": ["basic", "asylum"],
      "write": ["asylum"],
      "why": "The Migration Agency runs the asylum case and holds it under OSL 37:1 (open unless harm can be assumed; the current wording is GK). It needs the child's identity and records the case number and status. Social services' and health care's information never goes to it by default (OSL 26:1, 25:1; 10:27 cannot lift them); what could reach the child's country of origin is also protected by 21:5."
    },
    {
      "id": "police",
      "kinds": ["police"],
      "roles": ["police"],
      "read": ["basic", "search", "police"],
      "write": ["search", "police"],
      "why": "The police as a member of the hub (for example in a trafficking investigation) receive the child's identity and the search information, and keep their own information to themselves: the police tag goes to no other organisation (OSL 18:1 for the investigation, 35:1 for personal circumstances). Social services' and health care's information reaches the police only under OSL 10:21 (crimes against a child) or consent, decided case by case, never by this rule."
    },
    {
      "id": "volunteer",
      "kinds": ["volunteer"],
      "roles": ["volunteer"],
      "read": ["basic"],
      "write": [],
      "why": "A volunteer organisation is not bound by OSL; only GDPR and its agreement bind it, and the authorities may give it secret information only with consent or after a harm review with a condition on use (OSL 10:14, GK). It receives the child's name, stated birth date and languages to know whom it meets. Its own notes are internal and never leave it; anything more needs the consent of the child or the god man."
    }
  ],
  "registrar": {
    "social_services": "social_secretary",
    "residential_home": "contact_person",
    "foster_family": "contact_person",
    "guardian": "guardian",
    "school": "school_mentor",
    "health": "health",
    "migration_agency": "migration_officer",
    "police": "police"
  },
  "hub_administrators": ["social_secretary", "guardian"],
  "consent_writers": ["social_secretary", "guardian"],
  "missing": {
    "kinds": ["police"],
    "fields": ["child.name", "child.birth_date", "child.search_description", "missing.last_seen_at", "missing.last_seen_place", "missing.risk", "missing.discovered_at", "missing.discovered_by", "missing.reported_by", "missing.contact_phone", "missing.police_notified_at", "missing.police_reference", "missing.found_at", "missing.found_place", "missing.found_by"],
    "why": "While a child is missing, the police of this region receive what a search needs: name, stated birth date, description, when and where the child was last seen, when the disappearance was discovered and by whom, who reported it and the phone number to reach the hub on, when the police were told and their reference, the risk, and once the child is found, when, where and by whom. Social services may disclose it because the search is necessary for their own duty to protect the placed child (OSL 10:2; wording GK), and the god man consents on the child's behalf (12:2); if exploitation or trafficking is suspected, OSL 10:21 also allows it. No diagnoses or case notes: the risk level stands in for them, so the reason for a changed risk, the circumstances, the child's own account and the follow-up stay with the hub. The rule holds from the moment the episode is reported, with no waiting time (no rule of law requires waiting 24 hours; the police ask for immediate reports), and ends when the episode is closed: by the follow-up after the child is found, or by withdrawing a report made by mistake."
  },
  "keep_child_name_for_own_notes": true,
  "why": {
    "registrar": "The organisation that registers a child is in its hub from the start, in the role of its kind, so that the child's first record has someone responsible for it. Authorities and care providers around the child may register; volunteer organisations may not, because a child known only to a volunteer should reach social services (which then adds the volunteer to the hub), not a register outside every authority's responsibility.",
    "hub_administrators": "Social services (which answer for the child's care) and the god man (the child's legal representative) decide who is around the child, together with the organisation that registered it. Nobody adds themselves.",
    "consent": "Consent from the child or the god man lifts secrecy that protects the child (OSL 12:2) for the named organisation, the named tags and the stated time. It never reaches past protected identity for an organisation outside the hub.",
    "consent_writers": "Social services and the god man record consent: the god man gives it on the child's behalf, and social services record what the child or the god man gave them. A consent written by anyone else has no effect.",
    "protected": "A child with protected identity (OSL 21:3; a registered protection in the population register, 22:1) is seen only by the organisations of its hub; consent does not widen that. The police receive only the search fields while the child is missing.",
    "end": "When an organisation's access ends (membership ended, consent revoked or expired, episode closed, policy changed), what others wrote is removed from its replicas. What it wrote itself stays: its own record-keeping. What a person already saw cannot be recalled.",
    "internal": "Internal notes never leave the replicas of the organisation that wrote them, whatever this policy says, so that an organisation without a legal ground to share (a volunteer's confidential notes, information kept from the god man under OSL 12:3) can still keep its own records in Navet.",
    "default": "No organisation sees anything of a child unless a rule here allows it: secrecy is the starting point (OSL 26:1 and 25:1 are secret unless clearly harmless). These defaults are general knowledge compiled for Navet, partly unverified (marked GK); each authority must make its own secrecy decisions, and counsel reviews this policy before use."
  },
  "purpose_required": {
    "tags": ["health", "protected"],
    "why": "Health information (OSL 25:1) and a protected identity (OSL 21:3, 22:1) are the values whose disclosure harms a child most, and patient data law asks that access to health records be reviewable. A display of either on a replica therefore records why it was needed: navet asks for the purpose when none was given, and refuses without one when nobody can answer."
  }
}

"""#
}
