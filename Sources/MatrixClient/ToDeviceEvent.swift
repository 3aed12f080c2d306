/// A message sent to one device rather than to a room (`to_device` in `/sync`): how encryption
/// keys travel between devices.
public struct ToDeviceEvent: Sendable, Hashable {
    public var type: String
    public var sender: String
    public var content: JSONValue

    public init(type: String, sender: String, content: JSONValue) {
        self.type = type
        self.sender = sender
        self.content = content
    }

    init?(json: JSONValue) {
        guard let type = json["type"]?.string, let sender = json["sender"]?.string, let content = json["content"], content.object != nil else { return nil }
        self.init(type: type, sender: sender, content: content)
    }
}
