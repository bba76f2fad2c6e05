namespace Zwarm.ScriptedModel;

/// <summary>What a formatter needs besides the reply: the request's flags and the server's id source and clock.</summary>
internal sealed record ReplyContext(string Model, bool Stream, bool IncludeUsage, IdGenerator Ids, DateTimeOffset Now)
{
    public long UnixSeconds => Now.ToUnixTimeSeconds();
}
