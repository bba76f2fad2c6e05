using System.Text.Json;
using Zwarm.Core.Sessions;

/// <summary>Read-modify-write increments of one session's "counter" field, for the multi-process lock test.</summary>
internal static class StoreHammer
{
    public static async Task<int> IncrementAsync(string zwarmDir, string id, int count)
    {
        var store = new FileSessionStore(zwarmDir);
        for (var i = 0; i < count; i++)
        {
            await store.UpdateAsync(id, m =>
            {
                m.Extra ??= [];
                var n = m.Extra.TryGetValue("counter", out var v) ? v.GetInt32() : 0;
                m.Extra["counter"] = JsonSerializer.SerializeToElement(n + 1, SessionJsonContext.Default.Int32);
                return true;
            });
        }
        return 0;
    }

    /// <summary>
    /// Appends <paramref name="count"/> events as writer <paramref name="writer"/> (turn = sequence number), for the concurrent log test.
    /// </summary>
    public static int AppendEvents(string zwarmDir, string writer, int count)
    {
        var log = new Zwarm.Core.Events.EventLog(zwarmDir, maxBytes: 0);
        // A long reason makes each line several hundred bytes, so interleaving writes would show.
        var reason = new string((char)('a' + (writer.Length % 26)), 400);
        for (var i = 1; i <= count; i++)
            log.Append(new Zwarm.Core.Events.ZwarmEvent
            {
                Ts = DateTimeOffset.Now, Event = "started", SessionId = writer, ShortId = writer, Turn = i, Reason = reason,
            });
        return 0;
    }
}
