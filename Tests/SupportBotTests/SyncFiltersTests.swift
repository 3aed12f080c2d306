@testable import SupportBot
import Testing

/// When the bot's own events may be left out of a sync: only when it cannot have made a
/// timeline's worth since the position the sync starts from.
struct SyncFiltersTests {
    var filters = SyncFilters(everything: "all", othersOnly: "others", timelineLimit: 10)

    @Test func theFirstSyncAfterAStartSeesEverything() {
        #expect(filters.filter(eventRequestsMade: 0) == "all", "what the run before sent is unknown")
        #expect(filters.answer(of: "all", isTrustedAt: 1_000))
    }

    @Test mutating func aFewRepliesAreLeftOutAndABacklogIsNot() {
        filters.moved(bySyncBeganAt: 100)
        #expect(filters.filter(eventRequestsMade: 101) == "others", "a paced reply does not wake the long poll")
        #expect(filters.filter(eventRequestsMade: 109) == "others")
        #expect(filters.filter(eventRequestsMade: 110) == "all", "a timeline's worth since the position: the room must be read whole")
        filters.moved(bySyncBeganAt: 110)
        #expect(filters.filter(eventRequestsMade: 112) == "others", "counted again from the new position")
    }

    @Test mutating func anAnswerIsRefusedWhenTheBotSentATimelinesWorthWhileItWaited() {
        filters.moved(bySyncBeganAt: 0)
        #expect(filters.answer(of: "others", isTrustedAt: 9))
        #expect(!filters.answer(of: "others", isTrustedAt: 10), "synced again with the bot's own events")
        #expect(filters.filter(eventRequestsMade: 10) == "all", "and that sync sees everything")
    }

    @Test func onlyTheBotsOwnEventsAreEverLeftOut() {
        let othersOnly = SyncFilters.filter(timelineLimit: 10, leavingOut: "@bot:example.org")
        #expect(othersOnly["room"]?["timeline"] == ["limit": 10, "not_senders": ["@bot:example.org"]])
        #expect(SyncFilters.filter(timelineLimit: 10, leavingOut: nil)["room"]?["timeline"] == ["limit": 10])
    }
}
