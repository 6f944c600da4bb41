// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;

namespace IdentityServer.Dcr.Testing.PostgreSql;

/// <summary>
/// Cleans up after a test or benchmark process that is killed before its own clean-up runs: a small shell outlives it,
/// waits for it to go, then runs the clean-up (stops a server it started, deletes a directory). POSIX only; elsewhere
/// nothing is started.
/// </summary>
public static class ProcessWatchdog
{
    /// <summary>Kills <paramref name="childProcessId"/> when this process goes first.</summary>
    /// <param name="childProcessId">The child process (a host or a peer server).</param>
    public static void StopWithThisProcess(int childProcessId)
        => Start($"while kill -0 {Environment.ProcessId} && kill -0 {childProcessId}; do sleep 1; done; kill {childProcessId}");

    /// <summary>Runs <paramref name="shellCommand"/> once this process has gone.</summary>
    /// <param name="shellCommand">The clean-up, as one <c>/bin/sh</c> command line (quote its arguments).</param>
    public static void RunAfterThisProcess(string shellCommand)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(shellCommand);
        Start($"while kill -0 {Environment.ProcessId}; do sleep 1; done; {shellCommand}");
    }

    private static void Start(string loop)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
        {
            return;
        }

        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec >/dev/null 2>&1; " + loop);
        using var _ = Process.Start(info);
    }
}
