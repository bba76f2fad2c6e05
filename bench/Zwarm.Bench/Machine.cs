using System.Runtime.InteropServices;

namespace Zwarm.Bench;

/// <summary>One line about the machine the figures come from.</summary>
internal static class Machine
{
    public static async Task<string> DescribeAsync(BenchOptions o)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var mem = File.ReadLines("/proc/meminfo").First().Split(':', 2)[1].Trim();
        return $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({cpu}), {mem} RAM, {RuntimeInformation.OSDescription}, " +
               $".NET {Environment.Version}{(o.Quick ? ", Debug builds" : ", Release builds")}. Load average at the start: {await LoadAsync()}.";
    }

    public static async Task<string> LoadAsync() => string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ').Take(3));
}
