// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics;
using IdentityServer.Dcr.Testing;
using Npgsql;

namespace IdentityServer.Dcr.LoadRun;

/// <summary>
/// Bulk-loads registrations straight into PostgreSQL (binary COPY, not through the API): clones of a registration
/// the host really made, each with its own client id, software id, organisation id and concurrency stamp, into
/// <c>DcrClientRegistrations</c> and, when the OpenIddict plug-in's table is there, <c>OpenIddictApplications</c>.
/// </summary>
public static class Preloader
{
    private const int Batch = 50_000;

    public static async Task<PreloadResult> LoadAsync(string connectionString, int count, Action<string> progress, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var registration = await ReadTemplateAsync(connection, "SELECT * FROM \"DcrClientRegistrations\" ORDER BY \"ClientIdIssuedAt\" LIMIT 1", null, ct)
            ?? throw new InvalidOperationException("No registration to clone: the small-database run registered nothing.");
        var templateClientId = (string)registration.Values[registration.Index("ClientId")]!;
        var hasApplications = await ScalarAsync<bool>(connection, "SELECT to_regclass('\"OpenIddictApplications\"') IS NOT NULL", ct);
        var application = hasApplications
            ? await ReadTemplateAsync(connection, "SELECT * FROM \"OpenIddictApplications\" WHERE \"ClientId\" = @id", templateClientId, ct)
            : null;

        for (var done = 0; done < count; done += Batch)
        {
            var rows = Math.Min(Batch, count - done);
            var ids = new (string ClientId, string SoftwareId)[rows];
            for (var i = 0; i < rows; i++)
            {
                ids[i] = (Guid.NewGuid().ToString(), TestTpp.NewBase62Id(22));
            }

            await using (var transaction = await connection.BeginTransactionAsync(ct))
            {
                await CopyAsync(connection, "DcrClientRegistrations", registration, rows, (i, column) => column switch
                {
                    "ClientId" => ids[i].ClientId,
                    "SoftwareId" => ids[i].SoftwareId,
                    "OrganisationId" => "0015800001" + TestTpp.NewBase62Id(8),
                    "ConcurrencyStamp" => Guid.NewGuid().ToString("N"),
                    _ => Keep,
                }, ct);
                if (application is not null)
                {
                    await CopyAsync(connection, "OpenIddictApplications", application, rows, (i, column) => column switch
                    {
                        "Id" => Guid.NewGuid().ToString(),
                        "ClientId" => ids[i].ClientId,
                        "DisplayName" => ids[i].SoftwareId,
                        "ConcurrencyToken" => Guid.NewGuid().ToString(),
                        _ => Keep,
                    }, ct);
                }

                await transaction.CommitAsync(ct);
            }

            progress($"  preloaded {done + rows:N0} / {count:N0} ({stopwatch.Elapsed.TotalSeconds:0} s)");
        }

        var copied = stopwatch.Elapsed;
        // A bank's database in steady state is vacuumed: without this, autovacuum's insert-triggered VACUUM of the
        // million new rows would run during the measured part (VACUUM cannot share a command with anything else).
        foreach (var maintenance in new[] { "VACUUM (ANALYZE)", "CHECKPOINT" })
        {
            await using var command = new NpgsqlCommand(maintenance, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(ct);
        }

        var size = await ScalarAsync<long>(connection, "SELECT pg_database_size(current_database())", ct);
        return new PreloadResult(count, application is not null, copied.TotalSeconds, stopwatch.Elapsed.TotalSeconds, size);
    }

    private static readonly object Keep = new();

    private static async Task CopyAsync(NpgsqlConnection connection, string table, Template template, int rows, Func<int, string, object> replace, CancellationToken ct)
    {
        var columns = string.Join(", ", template.Columns.Select(c => $"\"{c}\""));
        await using var writer = await connection.BeginBinaryImportAsync($"COPY \"{table}\" ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        for (var i = 0; i < rows; i++)
        {
            await writer.StartRowAsync(ct);
            for (var c = 0; c < template.Columns.Length; c++)
            {
                var value = replace(i, template.Columns[c]);
                value = ReferenceEquals(value, Keep) ? template.Values[c] : value;
                if (value is null)
                {
                    await writer.WriteNullAsync(ct);
                }
                else
                {
                    await writer.WriteAsync(value, template.Types[c], ct);
                }
            }
        }

        await writer.CompleteAsync(ct);
    }

    private static async Task<Template?> ReadTemplateAsync(NpgsqlConnection connection, string sql, string? id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var types = Enumerable.Range(0, reader.FieldCount).Select(reader.GetDataTypeName).ToArray();
        var values = Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray();
        return new Template(columns, types, values);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed record Template(string[] Columns, string[] Types, object?[] Values)
    {
        public int Index(string column) => Array.IndexOf(Columns, column);
    }
}

/// <summary>What the preload did and how long it took.</summary>
public sealed record PreloadResult(int Rows, bool OpenIddictApplications, double CopySeconds, double TotalSeconds, long DatabaseBytes);
