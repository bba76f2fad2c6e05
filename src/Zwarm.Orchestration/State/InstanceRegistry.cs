using System.Text.Json;
using System.Text.RegularExpressions;
using Zwarm.Core;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Orchestration.State;

/// <summary>
/// .zwarm/instances.json: the registry of orchestrate/pilot instances, shared by every zwarm process
/// (read-modify-write under a lock file, atomic replace), and the per-instance folders .zwarm/instances/&lt;id&gt;/.
/// </summary>
internal sealed partial class InstanceRegistry(string zwarmDir, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    [GeneratedRegex("^[0-9a-f]{1,32}$")]
    private static partial Regex HexRegex();

    /// <summary>The .zwarm folder.</summary>
    public string ZwarmDir => _layout.Root;

    private readonly StoreLayout _layout = new(zwarmDir);

    /// <summary>.zwarm/instances.json.</summary>
    public string FilePath => _layout.InstancesFile;

    /// <summary>.zwarm/instances.</summary>
    public string InstancesDir => _layout.InstancesDir;

    /// <summary>The state folder of one instance.</summary>
    public string InstanceDir(string id) => HexRegex().IsMatch(id)
        ? Path.Combine(InstancesDir, id)
        : throw new ZwarmException($"invalid instance id '{id}'", ExitCodes.Usage);

    private string LockPath => _layout.InstancesLock;

    /// <summary>Registers a new running instance owned by this process.</summary>
    public async Task<InstanceRecord> CreateAsync(string kind, string? name, string? task, string model, CancellationToken ct = default)
    {
        InstanceRecord? created = null;
        await MutateAsync(file =>
        {
            if (name is not null && file.Instances.Values.Any(i => string.Equals(i.Name, name, StringComparison.Ordinal)))
                throw new ZwarmException(
                    $"an instance named '{name}' exists already; choose another --name or resume it with --resume --instance {name}",
                    ExitCodes.Usage);
            string id;
            do id = Guid.NewGuid().ToString("N")[..8];
            while (file.Instances.ContainsKey(id));
            var now = _time.GetLocalNow();
            created = new InstanceRecord
            {
                Id = id, Name = name, Kind = kind, Task = task, Model = model, CreatedAt = now, UpdatedAt = now,
                Status = InstanceStatuses.Running, Pid = Environment.ProcessId, PidStartTime = ProcessInfo.StartTime(Environment.ProcessId),
            };
            file.Instances[id] = created;
        }, ct);
        Directory.CreateDirectory(InstanceDir(created!.Id));
        return created;
    }

    /// <summary>Changes one instance under the lock; stamps updated_at.</summary>
    public async Task<InstanceRecord> UpdateAsync(string id, Action<InstanceRecord> change, CancellationToken ct = default)
    {
        InstanceRecord? result = null;
        await MutateAsync(file =>
        {
            if (!file.Instances.TryGetValue(id, out var rec)) throw new ZwarmException($"instance {id} is not in {FilePath}");
            change(rec);
            rec.UpdatedAt = _time.GetLocalNow();
            result = rec;
        }, ct);
        return result!;
    }

    /// <summary>Marks an instance as running in this process (for --resume); refuses while another process runs it.</summary>
    public Task<InstanceRecord> ClaimAsync(string id, CancellationToken ct = default) => UpdateAsync(id, rec =>
    {
        if (IsAlive(rec) && rec.Pid != Environment.ProcessId)
            throw new ZwarmException($"instance {rec.Id} is still running (pid {rec.Pid}); stop it first or wait for it");
        rec.Status = InstanceStatuses.Running;
        rec.Pid = Environment.ProcessId;
        rec.PidStartTime = ProcessInfo.StartTime(Environment.ProcessId);
        rec.Error = null;
    }, ct);

    /// <summary>Every instance, newest first; a "running" one whose process is gone is shown as interrupted.</summary>
    public async Task<IReadOnlyList<InstanceRecord>> ListAsync(CancellationToken ct = default)
    {
        var file = await ReadAsync(ct);
        foreach (var rec in file.Instances.Values)
            if (rec.Status == InstanceStatuses.Running && !IsAlive(rec))
                rec.Status = InstanceStatuses.Interrupted;
        return file.Instances.Values.OrderByDescending(i => i.UpdatedAt).ToList();
    }

    /// <summary>An instance by id, unique id prefix or name; a clear error otherwise.</summary>
    public async Task<InstanceRecord> ResolveAsync(string idPrefixOrName, CancellationToken ct = default)
    {
        var all = await ListAsync(ct);
        var key = idPrefixOrName.Trim();
        var byName = all.Where(i => string.Equals(i.Name, key, StringComparison.Ordinal)).ToList();
        if (byName.Count == 1) return byName[0];
        var lower = key.ToLowerInvariant();
        if (!HexRegex().IsMatch(lower))
            throw new ZwarmException($"no instance named '{key}' (see zwarm instances --all)", ExitCodes.Usage);
        var matches = all.Where(i => i.Id.StartsWith(lower, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new ZwarmException($"no instance '{key}' (see zwarm instances --all)", ExitCodes.Usage),
            _ => throw new ZwarmException(
                $"instance id '{key}' is ambiguous: {string.Join(", ", matches.Select(m => m.Id))}", ExitCodes.Usage),
        };
    }

    /// <summary>True while the process recorded for the instance (pid + start time) is alive.</summary>
    public static bool IsAlive(InstanceRecord rec) => rec.Pid is { } pid && ProcessInfo.IsAlive(pid, rec.PidStartTime);

    /// <summary>Removes instances.json and every instance folder; refuses while an instance is alive.</summary>
    public async Task<int> ResetAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(ZwarmDir);
        await using (await FileLock.AcquireAsync(LockPath, FileSessionStore.LockTimeout, ct))
        {
            var file = await ReadUnlockedAsync(ct);
            var alive = file.Instances.Values.Where(r => r.Status == InstanceStatuses.Running && IsAlive(r)).ToList();
            if (alive.Count > 0)
                throw new ZwarmException($"instance {alive[0].Id} is running (pid {alive[0].Pid}); stop it before reset");
            if (File.Exists(FilePath)) File.Delete(FilePath);
            if (Directory.Exists(InstancesDir)) Directory.Delete(InstancesDir, recursive: true);
            return file.Instances.Count;
        }
    }

    /// <summary>The registry as on disk (no liveness reconciliation).</summary>
    public async Task<InstanceFile> ReadAsync(CancellationToken ct = default)
    {
        if (!File.Exists(FilePath)) return new InstanceFile();
        return await ReadUnlockedAsync(ct);
    }

    private async Task MutateAsync(Action<InstanceFile> change, CancellationToken ct)
    {
        Directory.CreateDirectory(ZwarmDir);
        await using (await FileLock.AcquireAsync(LockPath, FileSessionStore.LockTimeout, ct))
        {
            var file = await ReadUnlockedAsync(ct);
            change(file);
            await AtomicFile.WriteAsync(FilePath, JsonSerializer.SerializeToUtf8Bytes(file, InstanceJsonContext.Default.InstanceFile), ct);
        }
    }

    private async Task<InstanceFile> ReadUnlockedAsync(CancellationToken ct)
    {
        if (!File.Exists(FilePath)) return new InstanceFile();
        var bytes = await File.ReadAllBytesAsync(FilePath, ct);
        if (bytes.Length == 0) return new InstanceFile();
        try
        {
            return JsonSerializer.Deserialize(bytes, InstanceJsonContext.Default.InstanceFile) ?? new InstanceFile();
        }
        catch (JsonException ex)
        {
            throw new ZwarmException($"{FilePath} is not valid JSON ({ex.Message}); fix or remove it (zwarm reset)", 1, ex);
        }
    }
}
