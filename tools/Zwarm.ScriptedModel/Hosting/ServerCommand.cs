namespace Zwarm.ScriptedModel;

/// <summary>The process entry: <c>--script FILE [--port N] [--port-file FILE] [--verbose]</c>, serving until cancelled.</summary>
internal static class ServerCommand
{
    public const string Usage = "usage: Zwarm.ScriptedModel --script FILE [--port N] [--port-file FILE] [--verbose]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!TryParse(args, out var options, out var error))
        {
            await stderr.WriteLineAsync($"{error}\n{Usage}");
            return 2;
        }

        IReadOnlyList<(Endpoint Endpoint, ScriptedReply Reply)> script = [];
        try
        {
            script = options.Script is null ? [] : ScriptParser.ParseFile(options.Script);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"cannot load script: {e.Message}");
            return 2;
        }

        var log = options.Verbose ? line => stderr.WriteLine(line) : (Action<string>?)null;
        ScriptedModelServer server;
        try
        {
            server = await ScriptedModelServer.StartAsync(new ScriptedModelServerOptions { Port = options.Port, Log = log }, ct);
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync($"cannot listen on 127.0.0.1:{options.Port}: {e.Message}");
            return 2;
        }

        await using var running = server;
        foreach (var (endpoint, reply) in script)
        {
            server.Enqueue(endpoint, reply);
        }

        if (options.PortFile is not null)
        {
            // Write then rename, so a reader polling the file never sees it half-written.
            var temp = options.PortFile + ".tmp";
            await File.WriteAllTextAsync(temp, server.Port.ToString(), ct);
            File.Move(temp, options.PortFile, overwrite: true);
        }

        await stdout.WriteLineAsync($"listening on {server.BaseUrl.GetLeftPart(UriPartial.Authority)}");
        await stdout.FlushAsync(ct);
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }

        var problems = server.Problems;
        foreach (var problem in problems)
        {
            await stderr.WriteLineAsync($"problem: {problem}");
        }

        await stderr.WriteLineAsync($"stopped after {server.Requests.Count} requests, {problems.Count} problems");
        return 0;
    }

    internal static bool TryParse(string[] args, out Options options, out string error)
    {
        options = new Options();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--script" when value is not null:
                    options = options with { Script = value };
                    i++;
                    break;
                case "--port" when int.TryParse(value, out var port) && port is >= 0 and <= 65535:
                    options = options with { Port = port };
                    i++;
                    break;
                case "--port-file" when value is not null:
                    options = options with { PortFile = value };
                    i++;
                    break;
                case "--verbose":
                    options = options with { Verbose = true };
                    break;
                default:
                    error = $"bad argument: {args[i]}";
                    return false;
            }
        }

        return true;
    }

    internal sealed record Options
    {
        public string? Script { get; init; }

        public int Port { get; init; }

        public string? PortFile { get; init; }

        public bool Verbose { get; init; }
    }
}
