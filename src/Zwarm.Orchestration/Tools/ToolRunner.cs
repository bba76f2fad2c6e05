using System.Diagnostics;
using Microsoft.Extensions.AI;
using Zwarm.Core;
using Zwarm.Orchestration.Telemetry;

namespace Zwarm.Orchestration.Tools;

/// <summary>Runs one tool call by name. Every failure comes back as a success:false result with a hint, never as an exception.</summary>
internal sealed class ToolRunner(ToolContext ctx)
{
    private readonly SessionTools _sessions = new(ctx);
    private readonly ControlTools _control = new(ctx);

    /// <summary>The context the tools act in.</summary>
    public ToolContext Context => ctx;

    public async Task<ToolOutcome> RunAsync(FunctionCallContent call, CancellationToken ct) => await RunAsync(call, progress: null, ct);

    /// <summary>Runs one call, reporting progress of long waits (wait_for_sessions) to <paramref name="progress"/>.</summary>
    public async Task<ToolOutcome> RunAsync(
        FunctionCallContent call, Func<ToolProgress, CancellationToken, ValueTask>? progress, CancellationToken ct)
    {
        using var span = ZwarmTelemetry.StartTool(call.Name, call.CallId, ctx.ActorId);
        var outcome = await RunCoreAsync(call, progress, ct);
        span?.SetTag("zwarm.tool.success", outcome.Success);
        if (!outcome.Success) span?.SetStatus(ActivityStatusCode.Error, outcome.Json["error"]?.GetValue<string>());
        return outcome;
    }

    private async Task<ToolOutcome> RunCoreAsync(
        FunctionCallContent call, Func<ToolProgress, CancellationToken, ValueTask>? progress, CancellationToken ct)
    {
        if (!ToolCatalog.Exists(call.Name, ctx.Mode))
            return ToolOutcome.Fail($"unknown tool '{call.Name}'", $"available tools: {string.Join(", ", ToolCatalog.Names(ctx.Mode))}");
        if (call.Arguments?.ContainsKey("_raw") == true || call.Exception is not null)
            return ToolOutcome.Fail(
                "the arguments are not a valid JSON object", $"call {ToolCatalog.Signature(call.Name)} with JSON arguments");
        var function = ToolCatalog.Find(call.Name, ctx.Mode)!;
        var arguments = new AIFunctionArguments(call.Arguments ?? new Dictionary<string, object?>())
        {
            Context = new Dictionary<object, object?>
            {
                [ToolCatalog.TargetKey(typeof(SessionTools))] = _sessions,
                [ToolCatalog.TargetKey(typeof(ControlTools))] = _control,
                [typeof(ToolProgressSink)] = progress is null ? null : new ToolProgressSink(progress),
            },
        };
        try
        {
            try
            {
                return (ToolOutcome)(await function.InvokeAsync(arguments, ct))!;
            }
            catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
        catch (ToolFailure f)
        {
            return ToolOutcome.Fail(f.Message, f.Hint);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is ZwarmException or IOException or UnauthorizedAccessException or InvalidOperationException
                                       or System.ComponentModel.Win32Exception or System.Text.Json.JsonException or ArgumentException)
        {
            return ToolOutcome.Fail(
                $"{call.Name} failed: {ex.Message.Split('\n')[0]}",
                "check the arguments; if it keeps failing, try another approach or tell the user");
        }
    }
}
