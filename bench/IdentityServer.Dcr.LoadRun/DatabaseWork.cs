// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using Npgsql;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>One statement as PostgreSQL counted it in a phase (<c>pg_stat_statements</c>), per operation of the phase.</summary>
/// <param name="CallsPerOp">How often it ran per operation.</param>
/// <param name="MeanExecMs">Its mean execution time in the server (planning excluded).</param>
/// <param name="RowsPerCall">The rows it returned or wrote per call.</param>
/// <param name="Query">Its normalised text, shortened.</param>
public sealed record StatementFigure(double CallsPerOp, double MeanExecMs, double RowsPerCall, string Query);

/// <summary>
/// What PostgreSQL did for one phase of one server, per operation: the write-ahead log it wrote (every durable write
/// goes through it; read at once from <c>pg_current_wal_lsn()</c>, unlike the transaction counters, which backends report
/// up to ten seconds late) and, where the cluster loaded <c>pg_stat_statements</c>, the statements and the ones that ran
/// most (an autocommit statement is a transaction of its own; <c>BEGIN</c> and <c>COMMIT</c> show where there is more than
/// one statement in a transaction). It says where the database's share of an operation's CPU goes.
/// </summary>
public sealed record DatabaseWork(double WalBytesPerOp, double? StatementsPerOp, IReadOnlyList<StatementFigure> Statements)
{
    /// <summary>One line for the log, then the statements that ran most.</summary>
    public string Describe()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"PostgreSQL per op: {WalBytesPerOp / 1024:0.0} KB of WAL");
        if (StatementsPerOp is { } statements)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {statements:0.00} statements");
            text += string.Concat(Statements.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"\n      {s.CallsPerOp,5:0.00} x {s.MeanExecMs,6:0.000} ms, {s.RowsPerCall,4:0.0} rows: {s.Query}")));
        }

        return text;
    }
}

/// <summary>Reads <see cref="DatabaseWork"/> around a phase from the cluster's administrative connection.</summary>
public sealed class DatabaseWorkProbe
{
    /// <summary>The extension's server setting: the load run starts its cluster with it where the library is installed.</summary>
    public static readonly KeyValuePair<string, string> Preload = new("shared_preload_libraries", "pg_stat_statements");

    /// <summary>Longer than any phase: the checkpoints are the ones <see cref="StartAsync"/> makes between phases.</summary>
    public static readonly KeyValuePair<string, string> CheckpointTimeout = new("checkpoint_timeout", "30min");

    private const int Shown = 12;
    private const int QueryLength = 110;
    private readonly string _admin;
    private readonly bool _statements;

    private DatabaseWorkProbe(string admin, bool statements)
    {
        _admin = admin;
        _statements = statements;
    }

    /// <summary>Opens the probe: creates the extension in the administrative database where the library is loaded.</summary>
    public static async Task<DatabaseWorkProbe> OpenAsync(string admin, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(admin, ct);
        var loaded = await ScalarAsync<string>(connection, "SELECT current_setting('shared_preload_libraries')", ct);
        var statements = loaded.Contains("pg_stat_statements", StringComparison.Ordinal);
        if (statements)
        {
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements", ct);
        }

        return new DatabaseWorkProbe(admin, statements);
    }

    /// <summary>Whether statements are counted (<c>pg_stat_statements</c> loaded), not only the WAL.</summary>
    public bool CountsStatements => _statements;

    /// <summary>
    /// Starts a phase: a checkpoint first, so that no phase pays for the dirty pages of the one before it (the cluster's
    /// <c>checkpoint_timeout</c> is longer than any phase, so none lands inside one; each phase still pays the full-page
    /// writes of the pages it touches first), then the statement counters reset and the write-ahead log's position now.
    /// </summary>
    public async Task<string> StartAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(_admin, ct);
        await ExecuteAsync(connection, "CHECKPOINT", ct);
        if (_statements)
        {
            await ExecuteAsync(connection, "SELECT pg_stat_statements_reset()", ct);
        }

        return await ScalarAsync<string>(connection, "SELECT pg_current_wal_lsn()::text", ct);
    }

    /// <summary>Ends a phase of <paramref name="ops"/> operations: what the database did since <paramref name="walStart"/> (<see cref="StartAsync"/>).</summary>
    public async Task<DatabaseWork> EndAsync(string database, string walStart, int ops, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(_admin, ct);
        var wal = await WalBytesSinceAsync(connection, walStart, ct);
        var perOp = 1.0 / Math.Max(1, ops);
        if (!_statements)
        {
            return new DatabaseWork(wal * perOp, null, []);
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT s.calls, s.total_exec_time, s.rows, s.query
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = @database
            ORDER BY s.calls DESC, s.total_exec_time DESC
            """, connection);
        command.Parameters.AddWithValue("database", database);
        var all = new List<StatementFigure>();
        long calls = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var n = reader.GetInt64(0);
                calls += n;
                var query = string.Join(' ', reader.GetString(3).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
                all.Add(new StatementFigure(n * perOp, n == 0 ? 0 : reader.GetDouble(1) / n, n == 0 ? 0 : (double)reader.GetInt64(2) / n,
                    query.Length <= QueryLength ? query : query[..QueryLength] + "..."));
            }
        }

        return new DatabaseWork(wal * perOp, calls * perOp, [.. all.Take(Shown)]);
    }

    private static async Task<double> WalBytesSinceAsync(NpgsqlConnection connection, string start, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), @start::pg_lsn)::float8", connection);
        command.Parameters.AddWithValue("start", start);
        return (double)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<NpgsqlConnection> OpenConnectionAsync(string admin, CancellationToken ct)
    {
        // Unpooled: the probe's own statements stay out of the counted database (it runs in the administrative one).
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
