import Escalations
import Foundation
import Logging
import MatrixClient
import Storage

/// Tells the rooms what an escalation change means: the post ambassadors claim from, its
/// thread, the private room of a claim, news for the patient, re-pings and moderators' pages.
///
/// Every send has a transaction id derived from the change's audit line, so announcing the
/// same change again (a retried event, a restart) posts nothing twice.
struct EscalationAnnouncer: Sendable {
    let client: MatrixClient
    let database: BotDatabase
    let roster: AmbassadorRoster
    let rooms: RoomDirectory
    let settings: EscalationSettings
    let privateRooms: PrivateRoomOpener
    let rules: IntentRules
    let logger: Logger

    /// How long back a patient's topics are shown on their request's post.
    static let topicsSince: TimeInterval = 7 * 24 * 3600

    /// An ambassador's message a change answers: the confirmation replies to it, in the
    /// escalation's thread if the message was there, else beside it.
    struct Command: Sendable {
        let eventID: String
        let inThread: Bool
    }

    /// - Parameters:
    ///   - excerpt: the patient's message, for a new escalation's post.
    ///   - command: the ambassador's command the change answers.
    func announce(_ change: EscalationChange, excerpt: String? = nil, command: Command? = nil, now: Date = Date()) async throws {
        let escalation = change.escalation
        let audit = change.audit
        let txn = "supportbot-escalation-\(audit.id)"
        switch audit.action {
        case "open":
            try await postNotice(escalation, excerpt: excerpt, now: now)
        case "request":
            // A crisis while waiting is announced loudly, however often it comes. The audit's
            // detail is the priority, then the reason (the priority alone in older databases).
            let detail = (audit.detail ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            let urgent = detail.first == Escalation.Priority.urgent.rawValue
            let answered = detail.count > 1 && EscalationReason(text: detail[1]).answersQuestion(in: rules.current.catalog)
            let mentioned = urgent ? try await roster.onDuty() : escalation.claimant.map { [$0] } ?? []
            try await inThread(escalation, EscalationMessages.askedAgain(escalation, raised: urgent, answered: answered, onDuty: mentioned),
                               txn: txn, topLevel: urgent)
        case "claim":
            try await handOff(change, command: command, now: now)
            // Once a claim: after its announcement went out, never for a replayed event.
            if !change.replayed { ScrapedMetrics.recordWait(escalation, claimedAt: audit.at) }
        case "release":
            // The audit line of a release keeps the private room it ends.
            if let room = patientsDirectChat(escalation) ?? audit.roomID {
                try await say(EscalationMessages.backInLine, in: room, txn: "\(txn)-patient")
            }
            try await inThread(escalation, EscalationMessages.released(escalation, by: await roster.displayName(audit.actor)), txn: txn, command: command)
            try await editNotice(escalation, by: nil, txn: "\(txn)-edit", now: now)
        case "resolve":
            let name = await roster.displayName(escalation.claimant ?? audit.actor)
            // Both are thanked where they talked; else in the patient's direct chat.
            if let room = escalation.handoffRoomID ?? patientsDirectChat(escalation) {
                try await say(EscalationMessages.thanks(ambassador: name), in: room, txn: "\(txn)-patient")
            }
            try await inThread(escalation, EscalationMessages.resolved(escalation, by: name, note: audit.detail), txn: txn, command: command)
            try await editNotice(escalation, by: name, txn: "\(txn)-edit", now: now)
        case "note":
            try await inThread(escalation, EscalationMessages.noted(escalation.number), txn: txn, command: command)
        case "cancel":
            try await inThread(escalation, EscalationMessages.withdrawn(escalation.number), txn: txn)
            try await editNotice(escalation, by: nil, txn: "\(txn)-edit", now: now)
        case "reping":
            let message = EscalationMessages.reping(escalation, title: title(escalation.reason), waiting: now.timeIntervalSince(escalation.openedAt),
                                                    onDuty: try await roster.onDuty())
            try await inThread(escalation, message, txn: txn, topLevel: true)
        case "page-moderators":
            guard let moderators = rooms.moderators else {
                logger.warning("an escalation has waited long, and no moderators room is configured", metadata: ["bot.escalation": "\(escalation.number)"])
                return
            }
            let message = EscalationMessages.pageModerators(escalation, title: title(escalation.reason), waiting: now.timeIntervalSince(escalation.openedAt),
                                                            ambassadorsRoom: rooms.ambassadors)
            _ = try await client.send(roomID: moderators, transactionID: txn, content: Self.content(message))
        default:
            logger.warning("an escalation change of an unknown kind", metadata: ["bot.action": "\(audit.action)"])
        }
    }

    /// Tells whoever tried why it was not done, in the escalation's thread when it has one.
    func refuse(_ reason: String, number: Int?, actor: String, event: String, command: Command?) async throws {
        let root = try number.flatMap { try database.escalation($0)?.noticeEventID }
        let message = EscalationMessages.refused(reason, mention: actor)
        _ = try await client.send(roomID: rooms.ambassadors, transactionID: "supportbot-refusal-\(event)",
                                  content: command.map { Self.content(message, root: $0.inThread ? root : nil, replyTo: $0.eventID) } ?? Self.content(message, root: root))
    }

    // MARK: - Steps

    /// What ambassadors read as a request's reason, from what the queue stores.
    func title(_ reason: String) -> String {
        EscalationReason(text: reason).title(in: rules.current.catalog)
    }

    /// The titles of what the patient talked about lately, beside the request's own reason:
    /// topics that get an answer in the community, not greetings or other requests for a person.
    private func topics(of escalation: Escalation, now: Date) -> [String] {
        let catalog = rules.current.catalog
        let reason = EscalationReason(text: escalation.reason)
        let intents = (try? database.recentIntents(of: escalation.patient, since: now.addingTimeInterval(-Self.topicsSince))) ?? []
        return intents.compactMap { id in
            guard let intent = catalog.intent(withID: id), intent.escalate == .none, intent.answerInCommunity, id != reason.intentID else { return nil }
            return intent.title
        }
    }

    private func postNotice(_ escalation: Escalation, excerpt: String?, now: Date) async throws {
        var post = notice(escalation, excerpt: excerpt.map(shortened), topics: topics(of: escalation, now: now))
        if escalation.priority == .urgent {
            post.mentions = try await roster.onDuty()
        }
        let eventID = try await client.send(roomID: rooms.ambassadors, transactionID: "supportbot-escalation-notice-\(escalation.number)", content: Self.content(post))
        try database.recordNotice(escalation.number, eventID: eventID)
    }

    /// Edits the post to the escalation's state (`m.replace`), so that every client shows whether
    /// it is open, claimed or closed. An open post keeps no excerpt: the first version had it.
    /// Sent after the news it goes with; a refusal for good is logged, not thrown: the thread
    /// already says what changed.
    private func editNotice(_ escalation: Escalation, by name: String?, txn: String, now: Date) async throws {
        guard let root = escalation.noticeEventID else { return }
        let edited = notice(escalation, excerpt: nil, topics: escalation.state.isActive ? topics(of: escalation, now: now) : [], by: name)
        // No one is notified of an edit: an empty m.mentions, in the edit and its new content.
        let content: JSONValue = [
            "msgtype": "m.text", "body": .string("* " + edited.text), "format": "org.matrix.custom.html", "formatted_body": .string("* " + edited.html),
            "m.mentions": .object([:]),
            "m.new_content": ["msgtype": "m.text", "body": .string(edited.text), "format": "org.matrix.custom.html", "formatted_body": .string(edited.html),
                              "m.mentions": .object([:])],
            "m.relates_to": ["rel_type": "m.replace", "event_id": .string(root)],
        ]
        do {
            _ = try await client.send(roomID: rooms.ambassadors, transactionID: txn, content: content)
        } catch let error as MatrixError where error.isRefusal {
            logger.error("could not edit an escalation's post", metadata: ["bot.escalation": "\(escalation.number)", "error": "\(error)"])
        }
    }

    /// The private room, the patient's news, and the claimant's confirmation.
    private func handOff(_ change: EscalationChange, command: Command?, now: Date) async throws {
        var escalation = change.escalation
        let claimant = escalation.claimant ?? change.audit.actor
        let name = await roster.displayName(claimant)
        let txn = "supportbot-escalation-\(change.audit.id)"
        // Only while it is still theirs: a retried claim after a release opens nothing.
        let current = escalation.state == .claimed && escalation.claimant == claimant
        var problem: String?
        if current, escalation.handoffRoomID == nil {
            do {
                let room = try await openPrivateRoom(escalation, claimant: claimant, ambassador: name, audit: change.audit.id)
                if try database.recordHandoff(escalation, roomID: room) { escalation.handoffRoomID = room }
            } catch let error as MatrixError where error.isRefusal {
                // Refused for good (the patient left, the server forbids it): the claim stands,
                // and the ambassador is told to reach the patient another way.
                logger.error("could not open a private room for a claim", metadata: ["bot.escalation": "\(escalation.number)", "error": "\(error)"])
                problem = "\(error)"
            } catch let encrypted as PrivateRoomOpener.Encrypted {
                // Never plaintext into an encrypted room: the ambassador reaches the patient another way.
                logger.error("the private room for a claim is encrypted", metadata: ["bot.escalation": "\(escalation.number)", "matrix.room_id": "\(encrypted.roomID)"])
                problem = "\(encrypted)"
            }
        }
        if current, let room = escalation.handoffRoomID {
            _ = try await client.send(roomID: room, transactionID: "\(txn)-handoff", content: Self.content(EscalationMessages.handoff(ambassador: name)))
        }
        if current, let room = patientsDirectChat(escalation) {
            try await say(EscalationMessages.coming(name), in: room, txn: "\(txn)-patient")
        }
        let message = EscalationMessages.claimed(escalation, by: name, handoff: current ? escalation.handoffRoomID : nil, problem: problem)
        try await inThread(escalation, message, txn: txn, command: command)
        if current { try await editNotice(escalation, by: name, txn: "\(txn)-edit", now: now) }
    }

    /// A private room with both invited, named for both ("Dana and Rosa"); a retried claim
    /// finds the room it already made.
    private func openPrivateRoom(_ escalation: Escalation, claimant: String, ambassador: String, audit: Int64) async throws -> String {
        let patient = await roster.displayName(escalation.patient, in: escalation.roomID)
        return try await privateRooms.open("claim", key: "\(escalation.sourceEventID) \(audit)", inviting: [escalation.patient, claimant],
                                           name: "\(patient) and \(ambassador)")
    }

    /// Posts in the escalation's thread, or (for what must be seen) in the room's timeline
    /// as a reply to the escalation's post.
    private func inThread(_ escalation: Escalation, _ message: StaffMessage, txn: String, command: Command? = nil, topLevel: Bool = false) async throws {
        let root = escalation.noticeEventID
        let content: JSONValue = if topLevel {
            Self.content(message, replyTo: root)
        } else if let command, !command.inThread {
            Self.content(message, replyTo: command.eventID)
        } else {
            Self.content(message, root: root, replyTo: command?.eventID)
        }
        _ = try await client.send(roomID: rooms.ambassadors, transactionID: txn, content: content)
    }

    private func say(_ text: String, in roomID: String, txn: String) async throws {
        _ = try await client.send(roomID: roomID, transactionID: txn, content: Self.content(StaffMessage(lines: [text])))
    }

    /// Where the patient hears later news: their direct chat with the bot; never a community
    /// room, where others would read it.
    private func patientsDirectChat(_ escalation: Escalation) -> String? {
        rooms.patientRoom(escalation.roomID) == .direct ? escalation.roomID : nil
    }

    private func notice(_ escalation: Escalation, excerpt: String?, topics: [String] = [], by name: String? = nil) -> StaffMessage {
        EscalationMessages.notice(escalation, title: title(escalation.reason), excerpt: excerpt, topics: topics, patientRoom: escalation.roomID,
                                  direct: rooms.patientRoom(escalation.roomID) == .direct, by: name)
    }

    /// The patient's words cut to the configured length, on a word boundary.
    private func shortened(_ text: String) -> String {
        let limit = settings.excerptCharacters
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.count > limit else { return flat }
        guard limit > 0 else { return "" }
        let cut = flat.prefix(limit)
        return (cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut) + "…"
    }

    /// A message that notifies (`m.text`: clients silence notices), in a thread or as a reply.
    /// - Parameter notice: an `m.notice`, which bots do not answer (the moderators' answers).
    static func content(_ message: StaffMessage, root: String? = nil, replyTo: String? = nil, notice: Bool = false) -> JSONValue {
        var content: [String: JSONValue] = [
            "msgtype": .string(notice ? "m.notice" : "m.text"), "body": .string(message.text), "format": "org.matrix.custom.html", "formatted_body": .string(message.html),
        ]
        // Always present, so clients notify exactly whom it names and no one by a name in the text.
        content["m.mentions"] = message.mentions.isEmpty ? .object([:]) : ["user_ids": .array(message.mentions.map(JSONValue.string))]
        if let root {
            content["m.relates_to"] = [
                "rel_type": "m.thread", "event_id": .string(root), "is_falling_back": .bool(replyTo == nil),
                "m.in_reply_to": ["event_id": .string(replyTo ?? root)],
            ]
        } else if let replyTo {
            content["m.relates_to"] = ["m.in_reply_to": ["event_id": .string(replyTo)]]
        }
        return .object(content)
    }
}

extension EscalationAnnouncer {
    static func make(client: MatrixClient, database: BotDatabase, rooms: RoomDirectory, configuration: BotConfiguration,
                     rules: IntentRules, logger: Logger) -> EscalationAnnouncer {
        let roster = AmbassadorRoster(client: client, roomID: rooms.ambassadors, settings: configuration.escalation, botUserID: configuration.userID)
        return EscalationAnnouncer(client: client, database: database, roster: roster, rooms: rooms, settings: configuration.escalation,
                                   privateRooms: PrivateRoomOpener(client: client, serverName: configuration.serverName, encrypted: configuration.escalation.encryptPrivateRooms), rules: rules, logger: logger)
    }
}
