using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Zwarm.Mcp;

/// <summary>How an MCP client starts `zwarm mcp` for a project: the command, its arguments and extra environment.</summary>
internal sealed record McpLaunch(string Command, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Env)
{
    /// <summary>The running zwarm (its apphost, or dotnet with zwarm.dll) serving <paramref name="projectDir"/>.</summary>
    public static McpLaunch ForCurrentProcess(string projectDir)
    {
        var exe = Environment.ProcessPath;
        var args = new List<string>();
        string command;
        if (exe is null) command = "zwarm";
        else if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
        {
            command = exe;
            args.Add(Path.Combine(AppContext.BaseDirectory, "zwarm.dll"));
        }
        else command = exe;
        args.AddRange(["mcp", "--project", Path.GetFullPath(projectDir)]);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        // A checkout's ./zwarm finds the agent CLIs of its node_modules through this; the MCP client must pass it on.
        if (Environment.GetEnvironmentVariable("ZWARM_AGENTS_DIR") is { Length: > 0 } agents) env["ZWARM_AGENTS_DIR"] = agents;
        return new McpLaunch(command, args, env);
    }
}

/// <summary>The registration snippets of `zwarm mcp --print-config` and the .mcp.json of `zwarm init --mcp claude`.</summary>
internal static class McpRegistration
{
    /// <summary>The clients a snippet can be printed for.</summary>
    public static readonly string[] Clients = ["claude", "codex"];

    /// <summary>Seconds codex lets one tool call run: wait_for_sessions may take 300.</summary>
    public const int CodexToolTimeoutSeconds = 330;

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The snippet for a client ("claude" or "codex").</summary>
    public static string Snippet(string client, McpLaunch launch) => client switch
    {
        "claude" => new JsonObject { ["mcpServers"] = new JsonObject { ["zwarm"] = Entry(launch) } }.ToJsonString(Indented) + "\n",
        "codex" => CodexToml(launch),
        _ => throw new ArgumentException($"unknown MCP client '{client}'", nameof(client)),
    };

    /// <summary>
    /// .mcp.json with the zwarm entry added to <paramref name="existing"/> (other servers and keys kept); null when the
    /// existing text is not a JSON object. <paramref name="replaced"/> tells whether a zwarm entry was there.
    /// </summary>
    public static string? MergeClaudeProject(string? existing, McpLaunch launch, out bool replaced)
    {
        replaced = false;
        JsonObject root;
        if (string.IsNullOrWhiteSpace(existing)) root = [];
        else
        {
            try
            {
                if (JsonNode.Parse(
                        existing,
                        documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                    is not JsonObject o) return null;
                root = o;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        if (root["mcpServers"] is not JsonObject servers)
        {
            if (root["mcpServers"] is not null) return null;
            root["mcpServers"] = servers = [];
        }
        replaced = servers.ContainsKey("zwarm");
        servers["zwarm"] = Entry(launch);
        return root.ToJsonString(Indented) + "\n";
    }

    private static JsonObject Entry(McpLaunch launch)
    {
        var o = new JsonObject
        {
            ["type"] = "stdio",
            ["command"] = launch.Command,
            ["args"] = new JsonArray([.. launch.Args.Select(a => (JsonNode)a)]),
        };
        if (launch.Env.Count > 0) o["env"] = new JsonObject([.. launch.Env.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]);
        return o;
    }

    private static string CodexToml(McpLaunch launch)
    {
        var sb = new StringBuilder();
        sb.Append("# add to ~/.codex/config.toml\n[mcp_servers.zwarm]\n");
        sb.Append("command = ").Append(Toml(launch.Command)).Append('\n');
        sb.Append("args = [").Append(string.Join(", ", launch.Args.Select(Toml))).Append("]\n");
        if (launch.Env.Count > 0)
            sb.Append("env = { ").Append(string.Join(", ", launch.Env.Select(kv => $"{kv.Key} = {Toml(kv.Value)}"))).Append(" }\n");
        sb.Append("# wait_for_sessions may wait up to 300 s\n");
        sb.Append("tool_timeout_sec = ").Append(CodexToolTimeoutSeconds).Append('\n');
        sb.Append("# for codex exec: wait for zwarm before the first model request, and let it call zwarm's tools without asking\n");
        sb.Append("# required = true\n");
        sb.Append("# default_tools_approval_mode = \"approve\"\n");
        return sb.ToString();
    }

    // A TOML basic string: JSON string escapes are valid TOML escapes.
    private static string Toml(string s) => JsonValue.Create(s).ToJsonString(Indented);
}
