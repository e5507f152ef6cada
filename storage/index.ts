export type { AuditAction, AuditRow, NewAuditRow } from './auditRow';
export { AUDIT_ACTIONS } from './auditRow';
export type { AuditStore, RecordResult } from './auditStore';
export { type CardStore, openCardStore, type RecentAction, type SentCard, saveSentCard } from './cardStore';
export type { ConversationStore, Rep, RepInput, SummaryChannel } from './conversationStore';
export { ConflictError, StorageUnavailableError } from './errors';
export { decodeKey, encodeKey, idKey } from './keys';
export type { ListingStore } from './listingStore';
export { type OpenStorageOptions, openStorage, type Storage } from './openStorage';
export type { RequestCounts } from './requestCounter';
export type {
  Delivery,
  DeliveryStatus,
  GoodRules,
  HeldClaim,
  NoticeKind,
  RunLedger,
  RunRecord,
  SendClaim,
} from './runLedger';
export { DELIVERY_STATUSES } from './runLedger';
export type { StateRead, StateStore, UpdateResult } from './stateStore';
export type { PolicyConfig, RetrySettings } from './tableClients';
