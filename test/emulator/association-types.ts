export interface AssociationTypeDef {
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  typeId: number;
  /** null for the unlabeled (default) association, as the labels endpoint reports it. */
  label: string | null;
  /** The type id the same association has seen from the other side. */
  inverseTypeId: number;
  /** v3 association type name, e.g. company_to_contact. */
  name: string;
}

type Pair = [from: string, to: string, defs: AssociationTypeDef[]];

const hs = (typeId: number, inverseTypeId: number, name: string, label: string | null = null): AssociationTypeDef => ({
  category: 'HUBSPOT_DEFINED', typeId, inverseTypeId, name, label,
});

/** HubSpot-defined ids (hubspot-api.md §3.5): unlabeled first (the default), then Primary. */
export const STANDARD_ASSOCIATION_TYPES: Pair[] = [
  ['0-1', '0-2', [hs(279, 280, 'contact_to_company_unlabeled'), hs(1, 2, 'contact_to_company', 'Primary')]],
  ['0-2', '0-1', [hs(280, 279, 'company_to_contact_unlabeled'), hs(2, 1, 'company_to_contact', 'Primary')]],
  ['0-3', '0-2', [hs(341, 342, 'deal_to_company_unlabeled'), hs(5, 6, 'deal_to_company', 'Primary')]],
  ['0-2', '0-3', [hs(342, 341, 'company_to_deal_unlabeled'), hs(6, 5, 'company_to_deal', 'Primary')]],
  ['0-5', '0-2', [hs(339, 340, 'ticket_to_company_unlabeled'), hs(26, 25, 'ticket_to_company', 'Primary')]],
  ['0-2', '0-5', [hs(340, 339, 'company_to_ticket_unlabeled'), hs(25, 26, 'company_to_ticket', 'Primary')]],
  ['0-1', '0-5', [hs(15, 16, 'contact_to_ticket')]],
  ['0-5', '0-1', [hs(16, 15, 'ticket_to_contact')]],
  ['0-3', '0-1', [hs(3, 4, 'deal_to_contact')]],
  ['0-1', '0-3', [hs(4, 3, 'contact_to_deal')]],
  ['0-3', '0-5', [hs(27, 28, 'deal_to_ticket')]],
  ['0-5', '0-3', [hs(28, 27, 'ticket_to_deal')]],
];

/** Primary labels: a record has at most one primary company, so setting one moves it. */
export const PRIMARY_TYPE_IDS = new Set([1, 5, 26]);
