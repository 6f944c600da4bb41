// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using IdentityServer.Dcr.Authorization;
using Microsoft.Data.Sqlite;

namespace IdentityServer.Dcr.Host.Development;

/// <summary>
/// The sandbox's account-access consents (intents), in a small SQLite database under App_Data/sandbox
/// (<c>intents.db</c>), so that intents survive a restart of the host. Development only.
/// </summary>
/// <remarks>
/// An intent that is not authorised within <see cref="AuthorisationTimeout"/> of its creation (default an hour,
/// Sandbox:IntentAuthorisationTimeout), or whose <c>ExpirationDateTime</c> has passed while it awaits authorisation,
/// is reported as <see cref="IntentStatus.Revoked"/> and can no longer be settled. <see cref="TrySettleAsync"/> is one
/// conditional <c>UPDATE</c>, so of two concurrent decisions exactly one wins, across connections and processes.
/// </remarks>
public sealed class SandboxIntentStore : IIntentStore
{
    /// <summary>The default of <see cref="AuthorisationTimeout"/>.</summary>
    public static readonly TimeSpan DefaultAuthorisationTimeout = TimeSpan.FromHours(1);

    private const string Awaiting = nameof(IntentStatus.AwaitingAuthorisation);

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <summary>Opens (and creates, the first time) the database <c>intents.db</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The sandbox directory (App_Data/sandbox).</param>
    /// <param name="authorisationTimeout">How long an intent may await authorisation; default <see cref="DefaultAuthorisationTimeout"/>.</param>
    /// <param name="time">The clock; default the system clock.</param>
    public SandboxIntentStore(string directory, TimeSpan? authorisationTimeout = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (authorisationTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(authorisationTimeout), timeout, "Sandbox:IntentAuthorisationTimeout must be positive.");
        }

        Directory.CreateDirectory(directory);
        DatabasePath = Path.Combine(directory, "intents.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = 30,
        }.ConnectionString;
        _time = time ?? TimeProvider.System;
        AuthorisationTimeout = authorisationTimeout ?? DefaultAuthorisationTimeout;

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS Intents (
                IntentId TEXT NOT NULL PRIMARY KEY,
                ClientId TEXT NOT NULL,
                Status TEXT NOT NULL,
                Permissions TEXT NOT NULL,
                CreatedAt INTEGER NOT NULL,
                StatusUpdatedAt INTEGER NOT NULL,
                AuthoriseBy INTEGER NOT NULL,
                ExpiresAt INTEGER NULL,
                TransactionFrom INTEGER NULL,
                TransactionTo INTEGER NULL,
                CustomerId TEXT NULL);
            CREATE INDEX IF NOT EXISTS IX_Intents_ClientId ON Intents (ClientId);
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>How long an intent may await authorisation before it counts as revoked (expired).</summary>
    public TimeSpan AuthorisationTimeout { get; }

    /// <summary>Creates an intent of <paramref name="clientId"/> that awaits authorisation.</summary>
    /// <param name="clientId">The client that creates it.</param>
    /// <param name="permissions">The OB permission codes (already validated).</param>
    /// <param name="expiresAt">When the access it grants ends (<c>ExpirationDateTime</c>), if it does.</param>
    /// <param name="transactionFrom">The <c>TransactionFromDateTime</c>, if any.</param>
    /// <param name="transactionTo">The <c>TransactionToDateTime</c>, if any.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The new intent.</returns>
    public async Task<SandboxIntent> CreateAsync(
        string clientId,
        IReadOnlyList<string> permissions,
        DateTimeOffset? expiresAt,
        DateTimeOffset? transactionFrom,
        DateTimeOffset? transactionTo,
        CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(permissions);

        // Whole seconds: what is stored is what is answered, before and after a restart.
        var now = Truncate(_time.GetUtcNow());
        var intent = new SandboxIntent(
            "aac-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            clientId,
            IntentStatus.AwaitingAuthorisation,
            [.. permissions],
            now,
            now,
            now + AuthorisationTimeout,
            Truncate(expiresAt),
            Truncate(transactionFrom),
            Truncate(transactionTo),
            null);

        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Intents (IntentId, ClientId, Status, Permissions, CreatedAt, StatusUpdatedAt, AuthoriseBy, ExpiresAt,
                TransactionFrom, TransactionTo)
            VALUES ($id, $client, $status, $permissions, $created, $created, $authoriseBy, $expires, $from, $to);
            """;
        command.Parameters.AddWithValue("$id", intent.IntentId);
        command.Parameters.AddWithValue("$client", clientId);
        command.Parameters.AddWithValue("$status", Awaiting);
        command.Parameters.AddWithValue("$permissions", JsonSerializer.Serialize(intent.Permissions));
        command.Parameters.AddWithValue("$created", now.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$authoriseBy", intent.AuthoriseBy.ToUnixTimeSeconds());
        command.Parameters.AddWithValue("$expires", Seconds(intent.ExpiresAt));
        command.Parameters.AddWithValue("$from", Seconds(intent.TransactionFrom));
        command.Parameters.AddWithValue("$to", Seconds(intent.TransactionTo));
        await command.ExecuteNonQueryAsync(ct);
        return intent;
    }

    /// <summary>Reads an intent with everything the consent endpoint answers; an expired one reads as <see cref="IntentStatus.Revoked"/>.</summary>
    /// <param name="intentId">The consent id.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The intent, or <see langword="null"/>.</returns>
    public async Task<SandboxIntent?> GetAsync(string intentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(intentId);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT IntentId, ClientId, Status, Permissions, CreatedAt, StatusUpdatedAt, AuthoriseBy, ExpiresAt, TransactionFrom,
                TransactionTo, CustomerId
            FROM Intents WHERE IntentId = $id;
            """;
        command.Parameters.AddWithValue("$id", intentId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var stored = new SandboxIntent(
            reader.GetString(0),
            reader.GetString(1),
            Enum.Parse<IntentStatus>(reader.GetString(2)),
            JsonSerializer.Deserialize<string[]>(reader.GetString(3)) ?? [],
            FromSeconds(reader.GetInt64(4)),
            FromSeconds(reader.GetInt64(5)),
            FromSeconds(reader.GetInt64(6)),
            reader.IsDBNull(7) ? null : FromSeconds(reader.GetInt64(7)),
            reader.IsDBNull(8) ? null : FromSeconds(reader.GetInt64(8)),
            reader.IsDBNull(9) ? null : FromSeconds(reader.GetInt64(9)),
            reader.IsDBNull(10) ? null : reader.GetString(10));
        return WithExpiry(stored, _time.GetUtcNow());
    }

    /// <inheritdoc />
    public async Task<AuthorizationIntent?> FindAsync(string intentId, CancellationToken ct)
        => (await GetAsync(intentId, ct))?.ToAuthorizationIntent();

    /// <inheritdoc />
    public async Task<bool> TrySettleAsync(string intentId, string clientId, bool authorised, string customerId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(intentId);
        ArgumentNullException.ThrowIfNull(clientId);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();

        // One statement: the row changes only while it still awaits authorisation for that client and has not expired.
        command.CommandText = """
            UPDATE Intents SET Status = $status, StatusUpdatedAt = $now, CustomerId = $customer
            WHERE IntentId = $id AND ClientId = $client AND Status = $awaiting
              AND AuthoriseBy > $now AND (ExpiresAt IS NULL OR ExpiresAt > $now);
            """;
        command.Parameters.AddWithValue("$status", authorised ? nameof(IntentStatus.Authorised) : nameof(IntentStatus.Rejected));
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$customer", customerId);
        command.Parameters.AddWithValue("$id", intentId);
        command.Parameters.AddWithValue("$client", clientId);
        command.Parameters.AddWithValue("$awaiting", Awaiting);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>An intent that awaits authorisation past its deadline (or past its <c>ExpirationDateTime</c>) is revoked from then on.</summary>
    private static SandboxIntent WithExpiry(SandboxIntent intent, DateTimeOffset now)
    {
        if (intent.Status != IntentStatus.AwaitingAuthorisation)
        {
            return intent;
        }

        var deadline = intent.ExpiresAt is { } expires && expires < intent.AuthoriseBy ? expires : intent.AuthoriseBy;
        return now >= deadline ? intent with { Status = IntentStatus.Revoked, StatusUpdatedAt = deadline } : intent;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static DateTimeOffset Truncate(DateTimeOffset value) => FromSeconds(value.ToUnixTimeSeconds());

    private static DateTimeOffset? Truncate(DateTimeOffset? value) => value is { } v ? Truncate(v) : null;

    private static object Seconds(DateTimeOffset? value) => value is { } v ? v.ToUnixTimeSeconds() : DBNull.Value;

    private static DateTimeOffset FromSeconds(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);
}

/// <summary>An account-access consent of the sandbox, as its endpoint answers it.</summary>
/// <param name="IntentId">The <c>ConsentId</c>.</param>
/// <param name="ClientId">The client that created it.</param>
/// <param name="Status">Its status (an expired one reads as <see cref="IntentStatus.Revoked"/>).</param>
/// <param name="Permissions">The OB permission codes.</param>
/// <param name="CreatedAt"><c>CreationDateTime</c>.</param>
/// <param name="StatusUpdatedAt"><c>StatusUpdateDateTime</c>.</param>
/// <param name="AuthoriseBy">When it expires if not authorised by then.</param>
/// <param name="ExpiresAt"><c>ExpirationDateTime</c>: when the access it grants ends, if it does.</param>
/// <param name="TransactionFrom"><c>TransactionFromDateTime</c>.</param>
/// <param name="TransactionTo"><c>TransactionToDateTime</c>.</param>
/// <param name="CustomerId">The customer who settled it, once settled.</param>
public sealed record SandboxIntent(
    string IntentId,
    string ClientId,
    IntentStatus Status,
    IReadOnlyList<string> Permissions,
    DateTimeOffset CreatedAt,
    DateTimeOffset StatusUpdatedAt,
    DateTimeOffset AuthoriseBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? TransactionFrom,
    DateTimeOffset? TransactionTo,
    string? CustomerId)
{
    /// <summary>The intent as the authorization journey sees it.</summary>
    /// <returns>The <see cref="AuthorizationIntent"/>.</returns>
    public AuthorizationIntent ToAuthorizationIntent() => new(IntentId, ClientId, Status, Permissions, CreatedAt, ExpiresAt);

    /// <summary>Formats a date-time as OB Read/Write answers it (ISO 8601 with an offset).</summary>
    /// <param name="value">The value.</param>
    /// <returns>For example <c>2025-01-31T09:30:00+00:00</c>.</returns>
    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
}
