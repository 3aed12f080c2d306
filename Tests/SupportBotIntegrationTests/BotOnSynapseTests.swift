import Foundation
import Testing

/// The bot against a real Synapse on loopback.
@Suite("Bot on Synapse", .serialized)
struct BotOnSynapseTests {
    let scenarios: Scenarios

    init() throws {
        scenarios = Scenarios(homeserver: try Synapse.start())
    }

    @Test func answersEveryMessageInADirectChat() async throws {
        try await scenarios.answersEveryMessageInADirectChat()
    }

    @Test func answersOnlyRelevantMessagesInTheCommunity() async throws {
        try await scenarios.answersOnlyRelevantMessagesInTheCommunity()
    }

    @Test func meetsACrisisAtOncePastTheCooldown() async throws {
        try await scenarios.meetsACrisisAtOncePastTheCooldown()
    }

    @Test func asksTheAmbassadorsWhenAPatientWantsAPerson() async throws {
        try await scenarios.asksTheAmbassadorsWhenAPatientWantsAPerson()
    }

    @Test func servesHealthAndMetricsWithoutPatientData() async throws {
        try await scenarios.servesHealthAndMetricsWithoutPatientData()
    }

    @Test func respectsStopStartAndForgetAcrossRestarts() async throws {
        try await scenarios.respectsStopStartAndForgetAcrossRestarts()
    }

    @Test func survivesBadInput() async throws {
        try await scenarios.survivesBadInput()
    }

    @Test func burstOf200FromFourPatientsIsAnsweredExactlyOnce() async throws {
        try await scenarios.everyMessageAnsweredExactlyOnce(
            count: 200, patients: 4, settings: "reply: {cooldown_seconds: 0}\nsync: {timeout_seconds: 5, timeline_limit: 10}",
            timeout: .seconds(180)
        )
    }

    @Test func killedAtRandomAndRestartedEveryMessageGetsExactlyOneReply() async throws {
        try await scenarios.everyMessageAnsweredExactlyOnce(
            count: 500, patients: 4, settings: "reply: {cooldown_seconds: 0}\nsync: {timeout_seconds: 5, timeline_limit: 10}",
            timeout: .seconds(300)
        ) { bot in
            for _ in 0..<12 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 300...1500)))
                bot.kill()
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...500)))
                try await bot.start(waitUntilReady: false)
            }
        }
    }
}
