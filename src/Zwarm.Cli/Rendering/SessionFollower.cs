using Spectre.Console;
using Zwarm.Core.Agents;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;
using Zwarm.Core;
using Zwarm.Cli.Json;

namespace Zwarm.Cli.Rendering;

/// <summary>
/// `watch ID`: prints a session's steps as they are written, its status changes and its end, across turns; reads
/// each turn file incrementally (only new complete lines are parsed). Plain lines, so it works in a pipe too.
/// </summary>
internal sealed class SessionFollower(CliHost host, SessionManager manager, bool json, TimeSpan interval)
{
    private ITurnParser? _parser;
    private string _id = "";
    private int _turn;
    private long _offset;
    private int _printed;
    private int _n;
    private bool _sawReply;

    /// <summary>Follows until the session finishes; returns 0 when it completed, 1 when it failed or was killed.</summary>
    public async Task<int> RunAsync(string idOrPrefix, CancellationToken ct)
    {
        var meta = await manager.GetAsync(idOrPrefix, ct);
        _id = meta.Id;
        var status = meta.Status;
        if (json)
            JsonOut.WriteEvent(host.Out, new SessionEventJson("watch", SessionOut.Shapes(manager, host.Now).Summary(meta)),
                CliEventJsonContext.Default.SessionEventJson);
        else
        {
            host.Console.MarkupLine(
                $"[{SessionView.Color(status)}]{Term.Escape(SessionView.Line(meta, manager.Agents.Models, manager.Config, host.Now))}[/]");
            host.Console.MarkupLine($"[grey]task:[/] {Term.Escape(TextCut.Excerpt(meta.Task, 2, 200))}");
            if (!status.IsFinished()) host.Console.MarkupLine("[grey]following; Ctrl+C stops watching (the session keeps running)[/]");
        }
        StartTurn(meta);
        while (true)
        {
            meta = await manager.GetAsync(_id, ct);
            if (meta.Turn != _turn)
            {
                await DrainAsync(final: true, ct);
                StartTurn(meta);
            }
            var finished = meta.Status.IsFinished();
            // The status was read before the file: once finished, this read sees every byte the agent wrote.
            await DrainAsync(finished, ct);
            if (meta.Status != status)
            {
                Status(status, meta.Status);
                status = meta.Status;
            }
            if (finished)
            {
                End(meta);
                return meta.Status == SessionStatus.Completed ? ExitCodes.Success : ExitCodes.Failure;
            }
            await Task.Delay(interval, ct);
        }
    }

    private void StartTurn(SessionMeta meta)
    {
        _turn = meta.Turn;
        _offset = 0;
        _printed = 0;
        _sawReply = false;
        _parser = manager.Agents.TryGet(meta.Adapter, out var adapter) ? adapter.CreateParser(collectTrajectory: true) : null;
        if (!json) StepView.TurnRule(host.Console, _turn);
    }

    private async Task DrainAsync(bool final, CancellationToken ct)
    {
        if (_parser is null) return;
        var path = manager.Store.TurnFile(_id, _turn);
        _offset = await TurnReader.FeedFileAsync(path, _parser, _offset, ct);
        if (final && File.Exists(path))
        {
            // A finished turn may end without a newline: feed that last partial line too.
            await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            fs.Seek(_offset, SeekOrigin.Begin);
            _offset += await TurnReader.FeedStreamAsync(fs, _parser, finalPartialLine: true, ct);
        }
        var steps = _parser.Result.Steps;
        for (; _printed < steps.Count; _printed++)
        {
            var step = steps[_printed] with { Turn = _turn };
            _sawReply |= step.Kind == StepKind.Message;
            if (json)
                JsonOut.WriteEvent(host.Out, new StepEventJson("step", _id!, StepView.ToWire(++_n, step, full: true)),
                    CliEventJsonContext.Default.StepEventJson);
            else StepView.Write(host.Console, ++_n, step, full: false);
        }
    }

    private void Status(SessionStatus from, SessionStatus to)
    {
        if (json)
            JsonOut.WriteEvent(host.Out, new StatusEventJson("status", _id!, from.ToWire(), to.ToWire()),
                CliEventJsonContext.Default.StatusEventJson);
        else host.Console.MarkupLine($"[{SessionView.Color(to)}]{SessionView.Icon(to)} {from.ToWire()} → {to.ToWire()}[/]");
    }

    private void End(SessionMeta meta)
    {
        if (json)
        {
            JsonOut.WriteEvent(host.Out, new SessionEventJson("end", SessionOut.Shapes(manager, host.Now).Full(meta)),
                CliEventJsonContext.Default.SessionEventJson);
            return;
        }
        var c = host.Console;
        // Sessions whose output this adapter cannot step through still show their final reply.
        if (!_sawReply && meta.Messages.LastOrDefault(m => m.Role != "tool") is { Role: "assistant" } reply)
            c.MarkupLine($"[green]reply[/]  {Term.Escape(reply.Content.Trim())}");
        c.MarkupLine(
            $"[bold {SessionView.Color(meta.Status)}]" +
            $"{Term.Escape(SessionView.Line(meta, manager.Agents.Models, manager.Config, host.Now))}[/]");
        if (meta.Error is not null) c.MarkupLine($"[red]error:[/] {Term.Escape(meta.Error)}");
    }
}
