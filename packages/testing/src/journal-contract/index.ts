export {
  describeJournalContract,
  storedSecurityEvent,
  type ContractDeadLetter,
  type ContractJournal,
  type JournalContractOptions,
  type JournalContractSubject,
} from './describe-journal-contract.js';
