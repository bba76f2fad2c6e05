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
}
