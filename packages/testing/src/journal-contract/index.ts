export {
  describeJournalContract,
  storedSecurityEvent,
  type ContractJournal,
  type JournalContractOptions,
  type JournalContractSubject,
} from './describe-journal-contract.js';
