// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using Npgsql;

namespace IdentityServer.Dcr.Testing.PostgreSql;

/// <summary>
/// A throwaway PostgreSQL cluster built from local binaries: <c>initdb</c> into a temporary directory, <c>pg_ctl
/// start</c> on a free loopback port, stopped and deleted at process exit. PostgreSQL refuses to run as root, so
/// as root the commands run as the <c>postgres</c> OS user, who then owns the directory.
/// </summary>
internal sealed class LocalPostgreSqlCluster
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string? _runAs;
    private string? _directory;
    private string? _serverOptions;

    private LocalPostgreSqlCluster(string binDirectory, string? runAs)
    {
        BinDirectory = binDirectory;
        _runAs = runAs;
    }

    public string BinDirectory { get; }

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_directory!, "data");

    public static LocalPostgreSqlCluster? TryCreate(out string why)
    {
        var bin = FindBinDirectory();
        if (bin is null)
        {
            why = "initdb/pg_ctl are neither on PATH nor under /usr/lib/postgresql/*/bin";
            return null;
        }

        string? runAs = null;
        if (Environment.UserName == "root")
        {
            if (Run("id", ["-u", ServiceUser], null).ExitCode != 0)
            {
                why = $"running as root, and there is no '{ServiceUser}' user to run PostgreSQL as";
                return null;
            }

            runAs = ServiceUser;
        }

        why = string.Empty;
        return new LocalPostgreSqlCluster(bin, runAs);
    }

    /// <summary>The settings the tests run with: fast and not crash-safe (no fsync, asynchronous commits).</summary>
    public static IReadOnlyDictionary<string, string> FastSettings { get; } = new Dictionary<string, string>
    {
        ["fsync"] = "off",
        ["synchronous_commit"] = "off",
        ["full_page_writes"] = "off",
        ["max_connections"] = "200",
    };

    /// <summary>The data directory, once started.</summary>
    public string? DataDirectoryPath => _directory is null ? null : DataDirectory;

    public Task<string> StartAsync() => StartAsync(FastSettings);

    /// <param name="settings">Server settings passed as <c>-c name=value</c>; they take precedence over postgresql.conf.</param>
    public async Task<string> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        _directory = Directory.CreateTempSubdirectory("dcr-pg-").FullName;
        StartWatchdog();
        if (_runAs is not null)
        {
            Check(Run("chown", ["-R", $"{_runAs}:{_runAs}", _directory], null), "chown");
        }

        Check(Run(Path.Combine(BinDirectory, "initdb"), ["-D", DataDirectory, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], _runAs), "initdb");

        // A port taken between the probe and the start fails the start; try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPort.Free();
            var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1"
                + string.Concat(settings.Select(s => $" -c {s.Key}={s.Value}"));
            var start = Run(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Combine(_directory, "postgres.log"), "-w", "-t", "30", "-o", options, "start"], _runAs);
            if (start.ExitCode == 0)
            {
                _serverOptions = options;
                break;
            }

            if (attempt == 3)
            {
                var log = Path.Combine(_directory, "postgres.log");
                Check(start, "pg_ctl start", File.Exists(log) ? await File.ReadAllTextAsync(log).ConfigureAwait(false) : null);
            }
        }

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
            IncludeErrorDetail = true,
        }.ConnectionString;
        await WaitForConnectionsAsync(connectionString).ConfigureAwait(false);
        return connectionString;
    }

    /// <summary>
    /// The test host may be killed before (or while) ProcessExit runs: a small shell outlives it, waits for it to
    /// go, then stops the server and deletes the directory.
    /// </summary>
    private void StartWatchdog()
    {
        var pgCtl = string.Join(' ', CommandLine(Path.Combine(BinDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "10", "stop"], _runAs).Select(Quote));
        ProcessWatchdog.RunAfterThisProcess($"{pgCtl}; rm -rf {Quote(_directory!)}");
    }

    /// <summary>The command line that runs <paramref name="fileName"/> as <paramref name="runAs"/> (via <c>runuser</c>, or <c>su</c>) when given.</summary>
    private static IEnumerable<string> CommandLine(string fileName, IEnumerable<string> arguments, string? runAs)
    {
        if (runAs is null)
        {
            return new[] { fileName }.Concat(arguments);
        }

        return FindExecutable("runuser") is { } runuser
            ? new[] { runuser, "-u", runAs, "--", fileName }.Concat(arguments)
            : ["su", runAs, "-s", "/bin/sh", "-c", string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote))];
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static async Task WaitForConnectionsAsync(string connectionString)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                var connection = new NpgsqlConnection(connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Stops the server and keeps its data, as an outage does: <c>immediate</c> is a crash (connections dropped, no
    /// checkpoint, crash recovery at the next start), otherwise a fast shutdown (transactions rolled back).
    /// </summary>
    public void Halt(bool immediate)
    {
        var directory = _directory ?? throw new InvalidOperationException("The cluster is not running.");
        Check(Run(Path.Combine(BinDirectory, "pg_ctl"), ["-D", Path.Combine(directory, "data"), "-m", immediate ? "immediate" : "fast", "-w", "-t", "30", "stop"], _runAs), "pg_ctl stop");
    }

    /// <summary>Starts a halted server again on the same port with the same settings, and waits until it accepts connections.</summary>
    public async Task ResumeAsync(string connectionString)
    {
        var directory = _directory ?? throw new InvalidOperationException("The cluster was disposed.");
        var start = Run(Path.Combine(BinDirectory, "pg_ctl"), ["-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "postgres.log"), "-w", "-t", "60", "-o", _serverOptions!, "start"], _runAs);
        Check(start, "pg_ctl start");
        await WaitForConnectionsAsync(connectionString).ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes its directory; idempotent.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _directory, null) is not { } directory)
        {
            return;
        }

        Run(Path.Combine(BinDirectory, "pg_ctl"), ["-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "-t", "10", "stop"], _runAs);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string? FindBinDirectory()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = Path.Combine(directory, "initdb");
            if (File.Exists(initdb) && File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                // Debian links only some tools into /usr/local/bin or /usr/bin: use the real directory.
                var target = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
                if (File.Exists(target) && Path.GetDirectoryName(target) is { } real && File.Exists(Path.Combine(real, "pg_ctl")))
                {
                    return real;
                }
            }
        }

        const string Debian = "/usr/lib/postgresql";
        return Directory.Exists(Debian)
            ? Directory.GetDirectories(Debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static void Check((int ExitCode, string Output) result, string what, string? log = null)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {result.ExitCode}: {result.Output}{(log is null ? string.Empty : "\nServer log:\n" + log)}");
        }
    }

    private static (int ExitCode, string Output) Run(string fileName, IReadOnlyList<string> arguments, string? runAs)
    {
        var commandLine = CommandLine(fileName, arguments, runAs).ToList();
        var info = new ProcessStartInfo(commandLine[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        commandLine.Skip(1).ToList().ForEach(info.ArgumentList.Add);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");

        // pg_ctl start leaves the server holding inherited stdout/stderr open, so read to the process exit, not to EOF.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{fileName} timed out after {CommandTimeout.TotalSeconds:0} s");
        }

        var output = (stdout.Wait(TimeSpan.FromSeconds(1)) ? stdout.Result : string.Empty)
            + (stderr.Wait(TimeSpan.FromSeconds(1)) ? stderr.Result : string.Empty);
        return (process.ExitCode, output.Trim());
    }

    private static string? FindExecutable(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin"])
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
}
