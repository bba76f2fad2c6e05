using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Zwarm.ScriptedModel;

/// <summary>Writes a <see cref="WireReply"/> to the response: SSE events flushed one by one, a JSON body, or an abort.</summary>
internal sealed class ReplyWriter(HttpContext context)
{
    public async Task WriteAsync(WireReply wire, int delayMs, CancellationToken ct)
    {
        var response = context.Response;
        switch (wire)
        {
            case StreamWireReply stream:
                response.StatusCode = 200;
                response.ContentType = "text/event-stream";
                response.Headers.CacheControl = "no-cache";
                context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                await response.StartAsync(ct);
                for (var i = 0; i < stream.Events.Count; i++)
                {
                    if (i > 0)
                    {
                        await DelayAsync(delayMs, ct);
                    }

                    await response.Body.WriteAsync(Encoding.UTF8.GetBytes(stream.Events[i].Frame()), ct);
                    await response.Body.FlushAsync(ct);
                }

                break;
            case JsonWireReply json:
                await DelayAsync(delayMs, ct);
                response.StatusCode = json.Status;
                foreach (var (name, value) in json.Headers ?? new Dictionary<string, string>())
                {
                    response.Headers[name] = value;
                }

                response.ContentType = "application/json";
                await response.WriteAsync(json.Body, ct);
                break;
            case AbortWireReply:
                await DelayAsync(delayMs, ct);
                context.Abort();
                break;
        }
    }

    private static Task DelayAsync(int delayMs, CancellationToken ct) =>
        delayMs > 0 ? Task.Delay(delayMs, ct) : Task.CompletedTask;
}
