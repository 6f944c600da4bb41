// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Testcontainers.PostgreSql;

namespace IdentityServer.Dcr.Testing.PostgreSql;

/// <summary>
/// One real PostgreSQL server per test process, started on first use. Tests never skip for want of one: when no
/// server can be had, every caller gets an exception that says how to provide one.
/// </summary>
/// <remarks>
/// Tried in order:
/// <list type="number">
/// <item><description><c>DCR_TEST_POSTGRES</c>: a full Npgsql connection string to a server where the tests may create databases.</description></item>
/// <item><description>Testcontainers (<c>postgres:16-alpine</c>), only when a Docker engine answers a ping within 3 s.</description></item>
/// <item><description>A throwaway cluster from local PostgreSQL binaries (<c>initdb</c>/<c>pg_ctl</c> on PATH or under
/// <c>/usr/lib/postgresql/*/bin</c>) on a free loopback port, run as the <c>postgres</c> user when the tests run as root,
/// stopped and deleted at process exit.</description></item>
/// </list>
/// </remarks>
public static class PostgreSqlTestServer
{
    /// <summary>The environment variable that names an existing server.</summary>
    public const string ConnectionStringVariable = "DCR_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentQueue<string> CreatedDatabases = new();
    private static Func<Task>? _shutdown;

    /// <summary>How the server was provisioned (for test output), once <see cref="GetConnectionStringAsync"/> has completed.</summary>
    public static string? Source { get; private set; }

    /// <summary>How long provisioning took.</summary>
    public static TimeSpan? StartupTime { get; private set; }

    /// <summary>The administrative connection string of the server (database <c>postgres</c> unless the variable says otherwise).</summary>
    /// <returns>The connection string.</returns>
    public static Task<string> GetConnectionStringAsync() => Server.Value;

    /// <summary>
    /// Releases the server: stops a local cluster or container, or drops the databases created on a
    /// <c>DCR_TEST_POSTGRES</c> server. Call it from an assembly-level one-time teardown: a test host may be
    /// killed before its ProcessExit handlers finish, so those (and the local cluster's watchdog) are only the
    /// safety net. Idempotent; a no-op when no server was provisioned.
    /// </summary>
    /// <returns>A task that completes when the server is released.</returns>
    public static Task ShutdownAsync()
    {
        var shutdown = Interlocked.Exchange(ref _shutdown, null);
        return shutdown is null ? Task.CompletedTask : Task.Run(shutdown);
    }

    /// <summary>Creates a fresh, uniquely named, empty database on the server.</summary>
    /// <returns>A connection string to it.</returns>
    public static Task<string> CreateDatabaseAsync() => CreateDatabaseAsync("dcr_test_" + Guid.NewGuid().ToString("N"));

    /// <summary>Creates an empty database with the given name (dropped at shutdown when the server outlives the tests).</summary>
    /// <param name="name">A database name the caller made unique (letters, digits, underscores).</param>
    /// <returns>A connection string to it.</returns>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var admin = await GetConnectionStringAsync().ConfigureAwait(false);
        var connection = new NpgsqlConnection(admin);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }

        CreatedDatabases.Enqueue(name);
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var attempts = new List<string>();
        var fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            // A server that outlives the tests: drop what they created (best effort; other test processes may share it).
            Register(() => DropCreatedDatabases(fromEnvironment));
            return Provisioned(fromEnvironment, $"{ConnectionStringVariable}", stopwatch);
        }

        attempts.Add($"{ConnectionStringVariable} is not set.");

        var docker = await DockerProbe.ProbeAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        if (docker.Available)
        {
            try
            {
                var container = new PostgreSqlBuilder("postgres:16-alpine").Build();
                await container.StartAsync().ConfigureAwait(false);
                Register(() => container.DisposeAsync().AsTask().GetAwaiter().GetResult());
                return Provisioned(container.GetConnectionString(), $"Testcontainers ({docker.Detail})", stopwatch);
            }
#pragma warning disable CA1031 // Any failure falls through to the next way of getting a server, and is reported if none works.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                attempts.Add($"Docker answered ({docker.Detail}) but the container failed: {ex.Message}");
            }
        }
        else
        {
            attempts.Add($"No Docker engine: {docker.Detail}.");
        }

        var cluster = LocalPostgreSqlCluster.TryCreate(out var why);
        if (cluster is not null)
        {
            try
            {
                Register(cluster.Stop);
                var connectionString = await cluster.StartAsync().ConfigureAwait(false);
                return Provisioned(connectionString, $"local binaries ({cluster.BinDirectory}, port {cluster.Port})", stopwatch);
            }
#pragma warning disable CA1031 // Reported below with the other attempts.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                attempts.Add($"Local PostgreSQL binaries in {cluster.BinDirectory} failed to start a cluster: {ex.Message}");
            }
        }
        else
        {
            attempts.Add($"No local PostgreSQL binaries: {why}.");
        }

        throw new InvalidOperationException(
            "These tests need a real PostgreSQL server and none could be provisioned. Provide one of:\n"
            + $"  1. {ConnectionStringVariable}=\"Host=...;Port=5432;Username=...;Password=...\" (a server where the tests may CREATE DATABASE);\n"
            + "  2. a running Docker engine (DOCKER_HOST or /var/run/docker.sock) for Testcontainers;\n"
            + "  3. the PostgreSQL server binaries (initdb, pg_ctl), e.g. `apt-get install postgresql`, on PATH or under /usr/lib/postgresql/<version>/bin.\n"
            + "What was tried:\n" + string.Join("\n", attempts.Select(a => "  - " + a)));
    }

    private static void Register(Action release)
    {
        _shutdown = () =>
        {
            release();
            return Task.CompletedTask;
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ShutdownAsync().GetAwaiter().GetResult();
    }

    private static void DropCreatedDatabases(string adminConnectionString)
    {
        try
        {
            using var connection = new NpgsqlConnection(adminConnectionString);
            connection.Open();
            while (CreatedDatabases.TryDequeue(out var name))
            {
                using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                command.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
        }
    }

    private static string Provisioned(string connectionString, string source, Stopwatch stopwatch)
    {
        Source = source;
        StartupTime = stopwatch.Elapsed;
        Console.WriteLine($"PostgreSQL for tests: {source}, ready in {stopwatch.Elapsed.TotalSeconds:0.00} s.");
        return connectionString;
    }
}
