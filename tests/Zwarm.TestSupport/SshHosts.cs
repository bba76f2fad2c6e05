using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Zwarm.TestSupport;

/// <summary>
/// OpenSSH servers made by a test on loopback addresses (127.0.0.2, 127.0.0.3, …), with host keys, a client key and a
/// known_hosts file generated in a temp folder per run. They run as root (`sshd -D -f own config`) and listen on
/// nothing outside loopback; missing openssh-server or root is a failure under CI and a visible skip elsewhere.
/// </summary>
public sealed class SshHosts : IAsyncDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly TempDir _dir = new("zwarm-ssh-");
    private readonly List<SshServer> _servers = [];

    private SshHosts() { }

    /// <summary>The temp folder (remote working and state folders go here).</summary>
    public string Path => _dir.Path;

    /// <summary>The client's private key (identity_file).</summary>
    public string ClientKey => _dir.File("client");

    /// <summary>known_hosts with every server's key.</summary>
    public string KnownHosts => _dir.File("known_hosts");

    /// <summary>The servers, in the order of the addresses given.</summary>
    public IReadOnlyList<SshServer> Servers => _servers;

    /// <summary>Checks the preconditions, then starts one server per address.</summary>
    public static async Task<SshHosts> StartAsync(CancellationToken ct, params string[] addresses)
    {
        Need.Tool(File.Exists(Sshd), $"{Sshd} is missing: install openssh-server (apt-get install -y openssh-server); .ci/run does");
        Need.Tool(
            Need.OnPath("ssh") && Need.OnPath("ssh-keygen") && Need.OnPath("ssh-keyscan"),
            "the OpenSSH client (ssh, ssh-keygen, ssh-keyscan) is missing");
        Need.Tool(
            Environment.UserName == "root",
            "the test SSH servers run as root (sshd needs it); run the tests as root or in ./test.sh's namespace");
        foreach (var a in addresses)
            if (!a.StartsWith("127.", StringComparison.Ordinal)) throw new ArgumentException("loopback addresses only", nameof(addresses));
        var hosts = new SshHosts();
        try
        {
            Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation folder
            await RunAsync("ssh-keygen", ct, "-q", "-t", "ed25519", "-N", "", "-C", "zwarm-test", "-f", hosts.ClientKey);
            await File.WriteAllTextAsync(hosts._dir.File("authorized_keys"), await File.ReadAllTextAsync(hosts.ClientKey + ".pub", ct), ct);
            foreach (var a in addresses) hosts._servers.Add(await SshServer.StartAsync(hosts._dir, a, ct));
            await hosts.WriteKnownHostsAsync(ct);
            return hosts;
        }
        catch
        {
            await hosts.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes known_hosts with every server's current key.</summary>
    public Task WriteKnownHostsAsync(CancellationToken ct)
        => File.WriteAllTextAsync(KnownHosts, string.Concat(_servers.Select(s => s.KnownHostsLine())), ct);

    /// <summary>A [hosts.NAME] table for server <paramref name="index"/>; <paramref name="extra"/> lines are added.</summary>
    public string HostToml(string name, int index, string agent, params string[] extra)
    {
        var s = _servers[index];
        var work = System.IO.Path.Combine(Path, name + "-work");
        Directory.CreateDirectory(work);
        var sb = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"[hosts.{name}]")
            .AppendLine(CultureInfo.InvariantCulture, $"ssh = \"root@{s.Address}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"port = {s.Port}")
            .AppendLine(CultureInfo.InvariantCulture, $"identity_file = \"{ClientKey}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"known_hosts = \"{KnownHosts}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"dir = \"{work}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"state_dir = \"{System.IO.Path.Combine(Path, name + "-state")}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"codex = \"{agent}\"")
            .AppendLine("connect_timeout = 3");
        foreach (var e in extra) sb.AppendLine(e);
        return sb.ToString();
    }

    internal static async Task<string> RunAsync(string exe, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync(ct);
        var err = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed: {await err}");
        return await output;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var s in _servers) await s.StopAsync();
        _dir.Dispose();
    }
}

/// <summary>One test sshd on a loopback address and a free port.</summary>
public sealed class SshServer
{
    private readonly TempDir _dir;
    private Process? _process;

    private SshServer(TempDir dir, string address, int port)
    {
        _dir = dir;
        Address = address;
        Port = port;
    }

    /// <summary>The loopback address it listens on.</summary>
    public string Address { get; }

    /// <summary>Its port.</summary>
    public int Port { get; }

    /// <summary>Its host key (private; .pub next to it).</summary>
    public string HostKey => _dir.File($"hostkey-{Address}");

    /// <summary>The master sshd's pid while it runs.</summary>
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    internal static async Task<SshServer> StartAsync(TempDir dir, string address, CancellationToken ct)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Parse(address), 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var s = new SshServer(dir, address, port);
        await SshHosts.RunAsync("ssh-keygen", ct, "-q", "-t", "ed25519", "-N", "", "-f", s.HostKey);
        await s.StartAsync(ct);
        return s;
    }

    /// <summary>The known_hosts line for its current key.</summary>
    public string KnownHostsLine()
    {
        var pub = File.ReadAllText(HostKey + ".pub").Split(' ');
        return $"[{Address}]:{Port} {pub[0]} {pub[1]}\n";
    }

    /// <summary>Starts (or restarts) the server and waits until it accepts connections.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var config = _dir.File($"sshd-{Address}.conf");
        // The sessions get a HOME of their own: root's login shell (bash, run by sshd) would otherwise read the
        // machine's ~/.bashrc for every command — one that runs `pyenv rehash` hangs for a minute on a lock left by a
        // connection a test dropped, and every host spec after it times out. A test host is a clean account.
        var home = _dir.File("home");
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(config, $"""
            HostKey {HostKey}
            ListenAddress {Address}
            Port {Port}
            AuthorizedKeysFile {_dir.File("authorized_keys")}
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PrintMotd no
            PidFile {_dir.File($"sshd-{Address}.pid")}
            MaxStartups 100
            MaxSessions 100
            LogLevel ERROR
            SetEnv HOME={home}
            """, ct);
        var psi = new ProcessStartInfo("/usr/sbin/sshd") { UseShellExecute = false };
        foreach (var a in new[] { "-D", "-e", "-f", config, "-E", _dir.File($"sshd-{Address}.log") }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        var ready = await Eventually.HoldsAsync(Accepts, TimeSpan.FromSeconds(15), ct);
        if (!ready)
            throw new InvalidOperationException(
                $"sshd on {Address}:{Port} did not start: {File.ReadAllText(_dir.File($"sshd-{Address}.log"))}");
    }

    private bool Accepts()
    {
        if (_process is { HasExited: true }) return false;
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Parse(Address), Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Replaces the host key with a new one (a reinstalled machine, or an impostor); restart to use it.</summary>
    public async Task NewHostKeyAsync(CancellationToken ct)
    {
        File.Delete(HostKey);
        File.Delete(HostKey + ".pub");
        await SshHosts.RunAsync("ssh-keygen", ct, "-q", "-t", "ed25519", "-N", "", "-f", HostKey);
    }

    /// <summary>The SHA256 fingerprint of its current key.</summary>
    public async Task<string> FingerprintAsync(CancellationToken ct)
        => (await SshHosts.RunAsync("ssh-keygen", ct, "-l", "-f", HostKey + ".pub")).Split(' ')[1];

    /// <summary>
    /// Drops every connection it serves (SIGKILL to the per-connection sshd processes, children of the master): what
    /// a network cut does to a client. Returns how many there were.
    /// </summary>
    public int DropConnections()
    {
        if (Pid is not { } master) return 0;
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == master) children.Add(pid);
            }
            catch (IOException) { }
        }
        foreach (var c in children)
            try { Process.GetProcessById(c).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        return children.Count;
    }

    /// <summary>Stops the server and every connection it serves.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        DropConnections();
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }
}
