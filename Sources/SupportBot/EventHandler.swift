import Escalations
import Foundation
import IntentEngine
import Logging
import MatrixClient
import Metrics
import Storage

/// Handles one patient message: classify, decide, reply, remember. It never throws: one
/// event's failure is logged (without the patient's words) and the next event goes on.
public struct EventHandler: Sendable {
    let client: MatrixClient
    let database: BotDatabase
    let rules: IntentRules
    let policy: ReplyPolicy
    /// Where a crisis said in a community room is answered in full, privately.
    let privateRooms: PrivateRoomOpener
    let userID: String
    let logger: Logger
    let now: @Sendable () -> Date

    /// The most of a message that is read; the rest of a huge message cannot change its topic.
    static let maximumMessageBytes = 64 * 1024

    /// Messages handled, by outcome (`supportbot_messages_total`).
    static func messages(_ outcome: Outcome) -> Counter {
        Counter(label: "supportbot_messages_total", dimensions: [("outcome", outcome.rawValue)])
    }

    public enum Outcome: String, Sendable, CaseIterable {
        case replied, ignored, skipped
        /// A failure that retrying cannot fix (the homeserver refused with a 4xx): recorded, given up.
        case failed
        /// Not recorded: the sync loop tries the batch again (homeserver down, database busy, shutdown).
        case retry
    }

    /// A patient's message as the bot reads it, once: its text (an edit's new text), and what
    /// it is about; no text for images, other bots' notices and malformed content.
    public struct Reading: Sendable {
        public let event: ClientEvent
        let text: String?
        let classification: Classification?
        /// The rules it was read with: it is answered with the same, even if they change meanwhile.
        let rules: IntentRules.Rules
        /// The patient's conversation risk after this message, when the message raised it.
        let raisedRisk: RiskMemory?
        /// When the message told of a harmless plan, if it did (the memory keeps the time).
        var planToldAt: Date?
        /// When the reply to it asks directly about ending their life, or when it answered that
        /// question, if it did (the memory keeps when the question is open).
        var askedAt: Date?
        var answeredAt: Date?

        var isEdit: Bool { event.relationType == "m.replace" }
        public var isCrisis: Bool { classification?.intentID == IntentCatalog.crisisID }
    }

    /// One patient's new messages, oldest first, each read with the memory of the ones before
    /// (`memory`: what was remembered of the conversation before them). `mayAnswer` says, per
    /// message, whether it can answer the bot's direct question: only in a direct chat with the
    /// bot, where the question was asked, and not in a claim's private room, where the patient
    /// talks with an ambassador.
    func read(_ events: [ClientEvent], remembering memory: RiskMemory, mayAnswer: [Bool]) -> [Reading] {
        let rules = self.rules.current
        var memory = memory
        return zip(events, mayAnswer).map { event, mayAnswer in
            let content = event.relationType == "m.replace" ? event.content["m.new_content"] ?? event.content : event.content
            guard let body = content["body"]?.string, ["m.text", "m.emote"].contains(content["msgtype"]?.string ?? "") else {
                return Reading(event: event, text: nil, classification: nil, rules: rules, raisedRisk: nil)
            }
            let text = String(decoding: body.utf8.prefix(Self.maximumMessageBytes), as: UTF8.self)
            let sent = Date(timeIntervalSince1970: Double(event.originServerTS) / 1000)
            var asked = memory
            if !mayAnswer { asked.askedAt = nil }
            var (classification, after) = rules.classifier.classify(text, remembering: asked, at: sent, evidence: .none)
            if !mayAnswer, after.askedAt == nil { after.askedAt = memory.askedAt }
            // Only an answer closes the question.
            let answered = memory.askedAt != nil && after.askedAt == nil
            memory = after
            return Reading(event: event, text: text, classification: classification, rules: rules,
                           raisedRisk: classification.riskRaise > 0 ? after : nil, planToldAt: classification.plan.told ? sent : nil,
                           askedAt: classification.asksDirectly ? sent : nil, answeredAt: answered ? sent : nil)
        }
    }

    /// Whether an event is a patient's message at all; everything else is skipped unrecorded.
    func isPatientMessage(_ event: ClientEvent) -> Bool {
        event.type == "m.room.message" && event.sender != userID
    }

    /// - Parameters:
    ///   - known: what is kept about the patient, when it was read with the batch and nothing
    ///     since can have changed it; otherwise it is read here.
    ///   - escalations: opens and announces escalations when a patient needs a person.
    func handle(_ message: Reading, roomID: String, room: ReplyPolicy.Room, knowing known: PatientMemory?, escalations: EscalationAnnouncer) async -> Outcome {
        let started = ContinuousClock.now
        let outcome = await answer(message, roomID: roomID, room: room, known: known, escalations: escalations)
        Self.messages(outcome).increment()
        if outcome == .replied {
            Metrics.Timer(label: "supportbot_reply_seconds").record(duration: ContinuousClock.now - started)
        }
        return outcome
    }

    private func answer(_ message: Reading, roomID: String, room: ReplyPolicy.Room, known: PatientMemory?, escalations: EscalationAnnouncer) async -> Outcome {
        let event = message.event
        var logger = logger
        logger[metadataKey: "matrix.event_id"] = "\(event.eventID)"
        logger[metadataKey: "matrix.room_id"] = "\(roomID)"
        let at = now()
        guard let text = message.text, let classification = message.classification else {
            // Images, notices from other bots, and malformed content: nothing to answer.
            logger.debug("message without text to answer", metadata: ["matrix.msgtype": "\(event.messageType ?? "none")"])
            return record(Handling(eventID: event.eventID, roomID: roomID, at: at), .skipped, logger)
        }
        // An edit is answered only when it turns a message into a crisis.
        let isEdit = message.isEdit
        if isEdit, !message.isCrisis {
            return record(Handling(eventID: event.eventID, roomID: roomID, at: at), .skipped, logger)
        }
        let rules = message.rules
        let patient = patientState(event.sender, intentID: classification.intentID, known: known, logger: logger)
        let decision = policy.decide(
            room: room, command: isEdit ? nil : PatientCommand(message: text), classification: classification,
            answerInCommunity: rules.catalog.intent(withID: classification.intentID)?.answerInCommunity ?? false,
            mentionsBot: mentionsBot(event, text: text), patient: patient, now: at
        )
        var handling = Handling(eventID: event.eventID, roomID: roomID, at: at, patient: event.sender)
        handling.community = room == .community
        handling.risk = message.raisedRisk.map { PatientRisk(level: $0.level, at: $0.updatedAt) }
        handling.planToldAt = message.planToldAt
        handling.askedAt = message.askedAt
        handling.answeredAt = message.answeredAt
        var reply: Reply
        /// A crisis in a community room: the public reply is the resources and a line; the
        /// whole reply goes to a direct chat opened for it.
        var privately: Reply?
        var failure: (any Error)?
        var change: EscalationChange?
        switch decision {
        case let .ignore(reason):
            handling.fellBack = classification.intentID == IntentCatalog.fallbackID && reason != .optedOut
            logger.debug("not answered", metadata: ["bot.reason": "\(reason.rawValue)", "bot.intent": "\(classification.intentID)"])
            // Nothing about a patient the bot did not answer is kept, except a raised risk level
            // (a number, never words): warning signs count even when they are not answered.
            if handling.risk == nil { handling.patient = nil }
            return record(handling, .ignored, logger)
        case let .reply(intentID, turn, disclose):
            reply = rules.composer.reply(to: classification.best, turn: turn, disclose: disclose)
            if room == .community, let resources = rules.composer.resources(to: classification.best, note: BotMessages.writtenPrivately) {
                privately = reply
                reply = resources
            }
            handling.repliedIntent = intentID
            handling.disclosed = disclose
            handling.fellBack = classification.intentID == IntentCatalog.fallbackID
        case let .command(command) where command == .cancel || command == .forget:
            reply = commandReply(command, rules: rules, disclose: !patient.disclosed, handling: &handling)
            do {
                switch try withdraw(event, at: at, timers: escalations.settings.timers) {
                case .nothing:
                    break
                case .kept:
                    reply = command == .cancel ? Reply(plainText: EscalationMessages.stillComing, intentID: "command") : reply.adding(EscalationMessages.stillComing)
                case let .withdrawn(withdrawal):
                    change = withdrawal
                    let text = EscalationMessages.withdrawnForPatient
                    reply = command == .cancel ? Reply(plainText: text, intentID: "command") : reply.adding(text)
                }
            } catch {
                failure = error
            }
        case let .command(command):
            reply = commandReply(command, rules: rules, disclose: !patient.disclosed, handling: &handling)
        }
        // The escalation's number and place in line are part of the reply, so the queue is
        // written first (a local write); if it cannot be, the reply still goes at once and the
        // message is tried again.
        if reply.escalate != .none {
            do {
                let opened = try database.requestEscalation(
                    patient: event.sender, roomID: roomID, eventID: event.eventID, reason: EscalationReason(reply).text,
                    priority: reply.escalate == .urgent ? .urgent : .normal, at: at, timers: escalations.settings.timers
                )
                change = opened
                // News of the patient's request is for them alone: in the private copy when there is one.
                if let line = waitingLine(opened) {
                    if let whole = privately { privately = whole.adding(line) } else { reply = reply.adding(line) }
                }
            } catch {
                failure = error
            }
        }
        // The patient's answer first: crisis resources never wait for anything else. The
        // ambassadors are told even when the patient's reply could not be sent.
        do {
            let sent = try await client.send(roomID: roomID, transactionID: "supportbot-reply-\(event.eventID)", content: Self.replyContent(reply, to: event.eventID, mentioning: event.sender))
            // Kept with the intent (ids only), so that the patient's 👍 or 👎 on it counts for that intent.
            handling.replies.append(RoomEvent(eventID: sent, roomID: roomID))
            logger.info("replied", metadata: ["bot.intent": "\(reply.intentID)", "bot.variant": "\(reply.variantID ?? "")"])
            // Intent ids are a small fixed set moderators choose: safe as a label, unlike user ids.
            Counter(label: "supportbot_replies_total", dimensions: [("intent", reply.intentID)]).increment()
        } catch {
            failure = failure ?? error
        }
        if let privately {
            do {
                // One such chat per patient: a second crisis finds it (and invites them again if they left).
                let chat = try await privateRooms.open("chat", key: event.sender, inviting: [event.sender], direct: true, name: BotMessages.privateChatName)
                let sent = try await client.send(roomID: chat, transactionID: "supportbot-private-\(event.eventID)", content: Self.replyContent(privately, to: nil, mentioning: event.sender))
                handling.replies.append(RoomEvent(eventID: sent, roomID: chat))
            } catch let encrypted as PrivateRoomOpener.Encrypted {
                // The resources went out in public already; never plaintext into an encrypted room.
                logger.error("the private chat for a crisis is encrypted; nothing was written there", metadata: ["matrix.room_id": "\(encrypted.roomID)"])
            } catch {
                failure = failure ?? error
            }
        }
        if let change {
            do {
                try await escalations.announce(change, excerpt: text, now: at)
                logger.info("escalation announced", metadata: ["bot.escalation": "\(change.escalation.number)", "bot.action": "\(change.audit.action)"])
                if change.opened, !change.replayed {
                    Counter(label: "supportbot_escalations_total", dimensions: [("priority", change.escalation.priority.rawValue)]).increment()
                }
            } catch {
                failure = failure ?? error
            }
        }
        if let asked = handling.askedAt, let question = handling.replies.last {
            handling.askedAt = await askedAt(question, notBefore: asked, logger: logger)
        }
        guard let failure else { return record(handling, .replied, logger) }
        return Self.outcome(of: failure, logger: logger) { try database.commit(handling) }
    }

    /// When the patient could first see the direct question: the homeserver's time of the reply
    /// that carries it, on the same clock as the answer's. Answered late, after an outage, the
    /// question is open for its whole window from then, not from the message it answers. If
    /// the reply cannot be read back, the message's time.
    private func askedAt(_ reply: RoomEvent, notBefore message: Date, logger: Logger) async -> Date {
        do {
            let event = try await client.event(roomID: reply.roomID, eventID: reply.eventID)
            return max(message, Date(timeIntervalSince1970: Double(event.originServerTS) / 1000))
        } catch {
            logger.warning("could not read back the reply that asks directly; its window starts at the message", metadata: ["error": "\(error)"])
            return message
        }
    }

    /// What to do with an event whose handling failed: a refusal from the homeserver (a 4xx
    /// other than 429) will not change on retry, so it is recorded and given up; anything
    /// else (homeserver down, database busy) is tried again with the batch.
    static func outcome(of failure: any Error, logger: Logger, record: () throws -> Void) -> Outcome {
        if let error = failure as? MatrixError, error.isRefusal {
            logger.error("the homeserver refused; giving up on this event", metadata: ["error": "\(error)"])
            do {
                try record()
                return .failed
            } catch {
                return .retry
            }
        }
        logger.error("could not finish handling an event; it will be tried again", metadata: ["error": "\(failure)"])
        return .retry
    }

    /// The line a reply gains when it opens, or adds to, an escalation. Nothing here waits on
    /// the homeserver: a crisis reply carries it.
    private func waitingLine(_ change: EscalationChange) -> String? {
        let escalation = change.escalation
        let position = escalation.state == .open ? try? database.queuePosition(of: escalation.number) : nil
        return EscalationMessages.waiting(escalation, opened: change.opened, position: position)
    }

    private enum Withdrawal {
        case nothing
        /// Opened by a crisis: it stays until an ambassador has checked in.
        case kept
        case withdrawn(EscalationChange)
    }

    /// `!cancel` and `!forget` withdraw a patient's waiting request, unless a crisis opened it.
    private func withdraw(_ event: ClientEvent, at date: Date, timers: EscalationTimers) throws -> Withdrawal {
        // Tried before (a retried batch): what it did then.
        if let done = try database.escalationChange(forEvent: event.eventID), done.audit.action == EscalationAction.cancel.name {
            return .withdrawn(done)
        }
        guard let active = try database.activeEscalation(patient: event.sender) else { return .nothing }
        guard active.priority == .normal else { return .kept }
        return .withdrawn(try database.changeEscalation(active.number, .cancel, by: EscalationActor(event.sender), at: date, eventID: event.eventID, timers: timers))
    }

    // MARK: - Parts

    /// What is known about the patient; when the database cannot say, a first-time patient,
    /// so that an answer (above all a crisis answer) never waits on storage.
    private func patientState(_ userID: String, intentID: String, known: PatientMemory?, logger: Logger) -> ReplyPolicy.PatientState {
        do {
            let (patient, log) = try known.map { ($0.patient, $0.replyLogs[intentID]) } ?? database.patientAndReplyLog(userID, intentID: intentID)
            return ReplyPolicy.PatientState(
                optedOut: patient?.optedOut ?? false, disclosed: patient?.disclosed ?? false,
                turns: log?.turns ?? 0, lastReplyAt: log?.lastReplyAt
            )
        } catch {
            logger.error("cannot read the patient's state; answering as to a new patient", metadata: ["error": "\(error)"])
            return ReplyPolicy.PatientState()
        }
    }

    private func commandReply(_ command: PatientCommand, rules: IntentRules.Rules, disclose: Bool, handling: inout Handling) -> Reply {
        handling.disclosed = disclose
        let text: String
        switch command {
        case .help: text = BotMessages.help
        case .ambassador:
            if let candidate = rules.classifier.candidate(forIntent: BotMessages.ambassadorIntent) {
                handling.repliedIntent = candidate.intentID
                return rules.composer.reply(to: candidate, disclose: disclose)
            }
            text = BotMessages.help
        case .stop:
            text = BotMessages.stopped
            handling.optedOut = true
        case .start:
            text = BotMessages.started
            handling.optedOut = false
        case .forget:
            text = BotMessages.forgotten
            handling.forget = true
        case .cancel:
            text = EscalationMessages.nothingToWithdraw
        case let .unknown(word): text = BotMessages.unknownCommand(word)
        }
        // The help text says what the bot is; other answers add it on a first reply.
        let disclosure = rules.catalog.settings.disclosure(withHint: true)
        return Reply(plainText: disclose && command != .help ? "\(text)\n\n\(disclosure)" : text, intentID: "command")
    }

    /// `m.mentions`, or the bot's name as a whole word ("supportbot, can you…").
    private func mentionsBot(_ event: ClientEvent, text: String) -> Bool {
        if event.content["m.mentions"]?["user_ids"]?.array?.contains(.string(userID)) == true { return true }
        let localpart = userID.dropFirst().prefix { $0 != ":" }.lowercased()
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "_" && $0 != "-" && $0 != "." }
        return !localpart.isEmpty && words.contains { $0 == localpart || $0 == "@" + localpart }
    }

    /// Tells a patient the bot could not read their encrypted message, with the crisis resources,
    /// since it might have been a crisis. Once per message: its transaction id is the message's.
    func tellUnreadable(_ event: ClientEvent, roomID: String) async throws {
        let note = BotMessages.unreadable
        let reply = rules.current.composer.crisisResources(note: note) ?? Reply(plainText: note, intentID: "unreadable")
        try await client.send(roomID: roomID, transactionID: "supportbot-unreadable-\(event.eventID)",
                              content: Self.replyContent(reply, to: event.eventID, mentioning: event.sender))
    }

    /// A Matrix reply (`m.in_reply_to`) as a notice, so other bots do not answer it.
    /// - Parameters:
    ///   - eventID: the patient's message it answers, as a Matrix reply.
    ///   - patient: the one it mentions, if any (a notification for them).
    static func replyContent(_ reply: Reply, to eventID: String?, mentioning patient: String?) -> JSONValue {
        var content: [String: JSONValue] = [
            "msgtype": "m.notice",
            "body": .string(reply.body),
            "format": "org.matrix.custom.html",
            "formatted_body": .string(reply.formattedBody),
            "m.mentions": ["user_ids": .array(patient.map { [.string($0)] } ?? [])],
        ]
        if let eventID { content["m.relates_to"] = ["m.in_reply_to": ["event_id": .string(eventID)]] }
        // Clients that know this key (the chat page) set the resources apart; others ignore it.
        if reply.hasResources { content["org.supportbot.resources"] = true }
        return .object(content)
    }

    private func record(_ handling: Handling, _ outcome: Outcome, _ logger: Logger) -> Outcome {
        do {
            try database.commit(handling)
            return outcome
        } catch {
            logger.error("could not record a handled message; it will be tried again", metadata: ["error": "\(error)"])
            return .retry
        }
    }
}

extension Reply {
    /// The reply with one more paragraph.
    func adding(_ line: String) -> Reply {
        var reply = self
        reply.body += "\n\n" + line
        reply.formattedBody += "<p>\(line.htmlEscaped)</p>"
        return reply
    }

    /// A reply that is plain text, lines kept apart in HTML.
    init(plainText: String, intentID: String) {
        let html = plainText.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).htmlEscaped }.joined(separator: "<br>")
        self.init(intentID: intentID, variantID: nil, escalate: .none, body: plainText, formattedBody: html)
    }
}
