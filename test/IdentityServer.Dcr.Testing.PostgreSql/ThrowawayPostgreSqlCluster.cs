// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;

namespace IdentityServer.Dcr.Testing.PostgreSql;

/// <summary>
/// A throwaway local PostgreSQL cluster with chosen settings, for tools that need their own server rather than the
/// shared one of <see cref="PostgreSqlTestServer"/> (the benchmark load run wants durable commits, which the tests
/// switch off). Built from the local binaries like the tests' cluster, stopped and deleted on dispose or at process exit.
/// </summary>
public sealed class ThrowawayPostgreSqlCluster : IDisposable
{
    private readonly LocalPostgreSqlCluster _cluster;

    private ThrowawayPostgreSqlCluster(LocalPostgreSqlCluster cluster, string connectionString, IReadOnlyDictionary<string, string> settings)
    {
        _cluster = cluster;
        ConnectionString = connectionString;
        Settings = settings;
    }

    /// <summary>The settings of a crash-safe server: every commit is flushed to disk before it is acknowledged.</summary>
    public static IReadOnlyDictionary<string, string> DurableSettings { get; } = new Dictionary<string, string>
    {
        ["fsync"] = "on",
        ["synchronous_commit"] = "on",
        ["full_page_writes"] = "on",
        ["max_connections"] = "200",
    };

    /// <summary>The administrative connection string (user and database <c>postgres</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The settings the server was started with.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The directory of the server binaries.</summary>
    public string BinDirectory => _cluster.BinDirectory;

    /// <summary>The process id of the postmaster (its backends are its children), or null when it cannot be read.</summary>
    public int? PostmasterProcessId
    {
        get
        {
            var file = _cluster.DataDirectoryPath is { } data ? Path.Combine(data, "postmaster.pid") : null;
            return file is not null && File.Exists(file)
                && int.TryParse(File.ReadLines(file).FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
    }

    /// <summary>The server's log file (<c>pg_ctl -l</c>), beside the data directory; null before the start.</summary>
    public string? LogFilePath => _cluster.DataDirectoryPath is { } data ? Path.Combine(Path.GetDirectoryName(data)!, "postgres.log") : null;

    /// <summary>Starts a cluster on a free loopback port.</summary>
    /// <param name="settings">Server settings (<c>-c name=value</c>); <see cref="DurableSettings"/> when null.</param>
    /// <returns>The running cluster.</returns>
    public static async Task<ThrowawayPostgreSqlCluster> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var cluster = LocalPostgreSqlCluster.TryCreate(out var why) ?? throw new InvalidOperationException("No local PostgreSQL cluster: " + why);
        settings ??= DurableSettings;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        var connectionString = await cluster.StartAsync(settings).ConfigureAwait(false);
        return new ThrowawayPostgreSqlCluster(cluster, connectionString, settings);
    }

    /// <summary>Stops the server but keeps its data (an outage); <paramref name="immediate"/> is a crash, otherwise a fast shutdown.</summary>
    public void Halt(bool immediate = true) => _cluster.Halt(immediate);

    /// <summary>Starts a halted server again, same port and settings, and returns once it accepts connections.</summary>
    public Task ResumeAsync() => _cluster.ResumeAsync(ConnectionString);

    /// <summary>Stops the server and deletes its directory.</summary>
    public void Dispose() => _cluster.Stop();
}
