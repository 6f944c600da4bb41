// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>CPU time and memory of processes, from /proc (Linux).</summary>
public static class ProcStats
{
    /// <summary>Clock ticks per second of /proc/*/stat (USER_HZ: 100 on every Linux architecture .NET runs on).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>User + system CPU time of <paramref name="pid"/>; with <paramref name="children"/>, also that of its reaped children and of its live children.</summary>
    public static TimeSpan CpuTime(int pid, bool children = false)
    {
        var fields = StatFields(pid);
        if (fields is null)
        {
            return TimeSpan.Zero;
        }

        // Fields after the command: [0]=state ... utime is field 14 overall, i.e. index 11 here.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (children)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            foreach (var child in ChildrenOf(pid))
            {
                ticks += (long)(CpuTime(child).TotalSeconds * TicksPerSecond);
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Peak resident set size (VmHWM) in bytes, or 0.</summary>
    public static long PeakRss(int pid) => StatusValue(pid, "VmHWM:");

    /// <summary>
    /// Starts a new peak: resets VmHWM to the current RSS (<c>/proc/PID/clear_refs</c> "5", Linux 4.0+). Returns false
    /// where that is not allowed, in which case the peak stays the process's lifetime peak.
    /// </summary>
    public static bool ResetPeakRss(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Current resident set size (VmRSS) in bytes, or 0.</summary>
    public static long Rss(int pid) => StatusValue(pid, "VmRSS:");

    /// <summary>The sockets <paramref name="pid"/> has open (its file descriptors that are sockets), or <see langword="null"/> where /proc does not say.</summary>
    public static int? Sockets(int pid)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(IsSocket);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsSocket(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false; // Closed since it was listed.
        }
    }

    /// <summary>Busy and total jiffies of all CPUs (/proc/stat).</summary>
    public static (long Busy, long Total) MachineCpu()
    {
        var line = File.ReadLines("/proc/stat").First();
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = values.Take(8).Sum();
        var idle = values[3] + values[4];
        return (total - idle, total);
    }

    /// <summary>The 1, 5 and 15-minute load averages.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var candidate) && StatFields(candidate) is { } fields
                && int.Parse(fields[1], CultureInfo.InvariantCulture) == pid)
            {
                yield return candidate;
            }
        }
    }

    private static long StatusValue(int pid, string key)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
