// The meetings outbox as the relay every service shares (common/outbox.h)
// reads it: sales-record entries, guest preferences and receivables go to
// the clients service, notice revisions and alerts (a block's cut-off, an
// overdue instalment) to the notifications service, with
// the meetings service's own identity (a `service:meetings` token it signs
// itself): this is work the service does on its own, after the person's call
// has returned. Every write is idempotent there (request_id, ledger
// reference, notice revision), so a retry after a lost reply creates
// nothing new.
#pragma once

#include "common/outbox.h"
#include "services/meetings/store.h"

namespace atrium::meetings {

// The request an entry stands for, addressed to its peer ("clients" or
// "notifications") and method, keyed by its meeting: what the domain puts in
// the outbox (tx.AddOutbox(ToMessage(entry), now)). An entry of an unknown
// kind has no peer: the relay keeps it for an operator.
OutboxMessage ToMessage(const OutboxEntry& entry);

// The outbox the relay reads (notice revisions in order: MeetingsTx::DueOutbox).
using MeetingsOutbox = StoreOutbox<MeetingsStore, MeetingsTx>;

}  // namespace atrium::meetings
