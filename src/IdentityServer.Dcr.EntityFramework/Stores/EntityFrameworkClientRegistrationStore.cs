// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Data;
using System.Text.Json;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.EntityFramework.Entities;
using IdentityServer.Dcr.EntityFramework.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>
/// The EF Core <see cref="IClientRegistrationStore"/> (PostgreSQL or SQLite), registered by
/// <c>AddDcrPostgreSqlStore</c> / <c>AddDcrSqliteStore</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every call creates a short-lived <see cref="DcrDbContext"/> from <see cref="IDbContextFactory{TContext}"/> and
/// disposes it before returning, so the store is a thread-safe singleton that keeps no tracked entities and no
/// connection between calls: after an outage the next call simply opens a fresh pooled connection.
/// </para>
/// <para>
/// Writes are atomic: the registration, the used request token and the writes of <see cref="OnWritingAsync"/> are
/// saved in one transaction, and the
/// (<c>iss</c>, <c>jti</c>) primary key makes a concurrent replay fail in the database rather than in a check
/// that could race. With <c>requireUniqueSoftware</c> the existence check and the insert run in one
/// <see cref="IsolationLevel.Serializable"/> transaction; a write that loses a race (unique violation,
/// serialization failure) is re-read to report <see cref="StoreWriteResult.RequestTokenReplayed"/>,
/// <see cref="StoreWriteResult.DuplicateSoftware"/> or <see cref="StoreWriteResult.ConcurrencyConflict"/>, and
/// retried a few times when the re-read finds no winner. Database faults become
/// <see cref="DcrStoreUnavailableException"/>. Timestamps are kept to the microsecond, in UTC.
/// </para>
/// <para>Override <see cref="ToEntity"/> / <see cref="ToModel"/> to change how a registration maps to its row.</para>
/// </remarks>
public partial class EntityFrameworkClientRegistrationStore : IClientRegistrationStore
{
    private const int MaxWriteAttempts = 5;

    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates one context per call.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock of the audit entries of deletes (creates and updates use the registration's time).</param>
    public EntityFrameworkClientRegistrationStore(
        IDbContextFactory<DcrDbContext> contextFactory,
        ILogger<EntityFrameworkClientRegistrationStore> logger,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(contextFactory);
        ArgumentNullException.ThrowIfNull(logger);
        ContextFactory = contextFactory;
        Logger = logger;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Creates one context per call.</summary>
    protected IDbContextFactory<DcrDbContext> ContextFactory { get; }

    private UsedTokenStatement? _usedTokenInsert;

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual Task<ClientRegistration?> FindByClientIdAsync(string clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return ExecuteAsync(nameof(FindByClientIdAsync), async context =>
        {
            var entity = await context.ClientRegistrations.AsNoTracking()
                .SingleOrDefaultAsync(e => e.ClientId == clientId, ct).ConfigureAwait(false);
            return entity is null ? null : ToModel(entity);
        }, ct);
    }

    /// <inheritdoc />
    public virtual Task<bool> ExistsForSoftwareAsync(string softwareId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(softwareId);
        return ExecuteAsync(nameof(ExistsForSoftwareAsync), context => SoftwareExistsAsync(context, softwareId, ct), ct);
    }

    /// <inheritdoc />
    public virtual Task<bool> IsRequestTokenUsedAsync(string issuer, string jti, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(jti);
        return ExecuteAsync(nameof(IsRequestTokenUsedAsync), context => TokenUsedAsync(context, issuer, jti, ct), ct);
    }

    /// <summary>
    /// Records a registered client's <c>private_key_jwt</c> assertion as used (<see cref="TryRecordUsedTokenAsync"/>,
    /// issuer <see cref="ClientAssertionIssuerPrefix"/> + client id): the one durable, instance-shared replay check
    /// both plug-ins' token endpoints use.
    /// </summary>
    /// <param name="clientId">The client.</param>
    /// <param name="jti">The assertion's <c>jti</c>.</param>
    /// <param name="expiresAt">The assertion's <c>exp</c>: the row is kept until then.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when recorded now; <see langword="false"/> for a replay.</returns>
    /// <exception cref="DcrStoreUnavailableException">The database cannot be reached.</exception>
    public virtual Task<bool> TryRecordClientAssertionAsync(string clientId, string jti, DateTimeOffset expiresAt, CancellationToken ct)
        => TryRecordUsedTokenAsync(new UsedRequestToken(ClientAssertionIssuerPrefix + clientId, jti, expiresAt), ct);

    /// <summary>
    /// The prefix of a recorded client assertion's issuer, which keeps assertions apart from registration requests
    /// (whose issuer is a software_id).
    /// </summary>
    public const string ClientAssertionIssuerPrefix = "client_assertion:";

    /// <summary>
    /// Records a single-use token (for example a client assertion's <c>client_id</c> and <c>jti</c>) unless it is
    /// recorded already: one <c>INSERT … ON CONFLICT DO NOTHING</c> on <c>DcrUsedRequestTokens</c>, in its own
    /// implicit transaction. The primary key decides, so two copies arriving at once on different instances cannot
    /// both be recorded. Rows are purged with the registration request tokens once
    /// <see cref="UsedRequestToken.ExpiresAt"/> has passed.
    /// </summary>
    /// <param name="token">
    /// The token; give its <see cref="UsedRequestToken.Issuer"/> a prefix of its kind, so that it cannot collide with a
    /// registration request's <c>iss</c>.
    /// </param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when recorded now; <see langword="false"/> when it had been used (a replay).</returns>
    /// <exception cref="DcrStoreUnavailableException">The database cannot be reached.</exception>
    public virtual Task<bool> TryRecordUsedTokenAsync(UsedRequestToken token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        return ExecuteAsync(nameof(TryRecordUsedTokenAsync), async context =>
        {
            var (insert, expiresAt) = UsedTokenInsert(context);
            var stored = ToStoredPrecision(token.ExpiresAt);
            object[] parameters = [token.Issuer, token.Jti, expiresAt?.ConvertToProvider(stored) ?? stored];
            var sql = $"{insert} VALUES ({{0}}, {{1}}, {{2}}) ON CONFLICT DO NOTHING";
            return await context.Database.ExecuteSqlRawAsync(sql, parameters, ct).ConfigureAwait(false) == 1;
        }, ct);
    }

    /// <summary>
    /// Records a single-use token as <see cref="TryRecordUsedTokenAsync"/> does, but only while
    /// <paramref name="condition"/> holds: one <c>INSERT … SELECT … WHERE condition ON CONFLICT DO NOTHING</c>, so the
    /// check and the record cannot be separated by another write.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="condition">
    /// A SQL boolean expression for the context's provider; its parameters are <c>{3}</c>, <c>{4}</c>, … (the token takes
    /// <c>{0}</c> to <c>{2}</c>), with identifiers delimited by the caller.
    /// </param>
    /// <param name="conditionParameters">The values of <c>{3}</c>, <c>{4}</c>, ….</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>
    /// <see langword="true"/> when recorded now; <see langword="false"/> when the token had been used or the condition
    /// does not hold (nothing is recorded then).
    /// </returns>
    /// <exception cref="DcrStoreUnavailableException">The database cannot be reached.</exception>
    protected Task<bool> TryRecordUsedTokenWhereAsync(
        UsedRequestToken token,
        string condition,
        IReadOnlyList<object> conditionParameters,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(condition);
        ArgumentNullException.ThrowIfNull(conditionParameters);
        return ExecuteAsync(nameof(TryRecordUsedTokenWhereAsync), async context =>
        {
            var (insert, expiresAt) = UsedTokenInsert(context);
            var stored = ToStoredPrecision(token.ExpiresAt);
            object[] parameters = [token.Issuer, token.Jti, expiresAt?.ConvertToProvider(stored) ?? stored, .. conditionParameters];

            // Both providers take INSERT … SELECT with an upsert clause when the SELECT has a WHERE.
            var sql = $"{insert} SELECT {{0}}, {{1}}, {{2}} WHERE {condition} ON CONFLICT DO NOTHING";
            return await context.Database.ExecuteSqlRawAsync(sql, parameters, ct).ConfigureAwait(false) == 1;
        }, ct);
    }

    /// <inheritdoc />
    public virtual Task<StoreWriteResult> CreateAsync(
        ClientRegistration registration,
        UsedRequestToken requestToken,
        bool requireUniqueSoftware,
        CancellationToken ct)
        => CreateAsync(registration, requestToken, requireUniqueSoftware, enlist: null, ct);

    /// <summary>
    /// Stores a new registration and its request token and runs <paramref name="enlist"/> in the same transaction,
    /// after <see cref="OnWritingAsync"/> and before the commit: either everything is written or nothing is.
    /// </summary>
    /// <param name="registration">The registration.</param>
    /// <param name="requestToken">The request token, recorded against replay.</param>
    /// <param name="requireUniqueSoftware">Whether to refuse when the <c>software_id</c> is already registered.</param>
    /// <param name="enlist">
    /// Writes further rows through the given context's connection and current transaction
    /// (<c>context.Database.GetDbConnection()</c>, <c>context.Database.CurrentTransaction</c>); <see langword="null"/> for none.
    /// It may run more than once when a write race is retried.
    /// </param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The outcome; on anything but <see cref="StoreWriteResult.Success"/> nothing was written.</returns>
    public virtual async Task<StoreWriteResult> CreateAsync(
        ClientRegistration registration,
        UsedRequestToken requestToken,
        bool requireUniqueSoftware,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(requestToken);
        for (var attempt = 1; ; attempt++)
        {
            var outcome =
                await ExecuteAsync(
                        nameof(CreateAsync),
                        context => TryCreateAsync(context, registration, requestToken, requireUniqueSoftware, enlist, ct),
                        ct)
                    .ConfigureAwait(false)
                ?? await ExecuteAsync(
                        nameof(CreateAsync),
                        context => ExplainLostCreateAsync(context, registration, requestToken, requireUniqueSoftware, ct),
                        ct)
                    .ConfigureAwait(false);
            if (outcome is { } result)
            {
                LogOutcome(result, registration, requestToken);
                return result;
            }

            if (attempt == MaxWriteAttempts)
            {
                Logger.WriteContentionExhausted(registration.ClientId, attempt);
                throw new DcrStoreUnavailableException(
                    $"The DCR registration store is too contended to create client '{registration.ClientId}'; try again later.");
            }

            Logger.WriteRaceRetried(registration.ClientId, attempt);
        }
    }

    /// <inheritdoc />
    public virtual Task<StoreWriteResult> UpdateAsync(
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        UsedRequestToken requestToken,
        CancellationToken ct)
        => UpdateAsync(registration, expectedConcurrencyStamp, requestToken, enlist: null, ct);

    /// <summary>
    /// Replaces a registration if it still has <paramref name="expectedConcurrencyStamp"/>, recording the request token,
    /// and runs <paramref name="enlist"/> in the same transaction before the commit.
    /// </summary>
    /// <param name="registration">The new state; its <see cref="ClientRegistration.ConcurrencyStamp"/> is the new stamp.</param>
    /// <param name="expectedConcurrencyStamp">The stamp read before the update.</param>
    /// <param name="requestToken">The request token, recorded against replay.</param>
    /// <param name="enlist">Writes further rows in the same transaction; <see langword="null"/> for none.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The outcome; on anything but <see cref="StoreWriteResult.Success"/> nothing was written.</returns>
    public virtual async Task<StoreWriteResult> UpdateAsync(
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        UsedRequestToken requestToken,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(expectedConcurrencyStamp);
        ArgumentNullException.ThrowIfNull(requestToken);
        var result = await ExecuteAsync(nameof(UpdateAsync), async context =>
        {
            // Cheap reads first, in the contract's order; the conditional UPDATE and the token's primary key still
            // decide any race that slips between these reads and the write.
            var currentStamp = await context.ClientRegistrations.AsNoTracking()
                .Where(e => e.ClientId == registration.ClientId)
                .Select(e => e.ConcurrencyStamp)
                .SingleOrDefaultAsync(ct).ConfigureAwait(false);
            if (currentStamp is null)
            {
                return StoreWriteResult.NotFound;
            }

            if (await TokenUsedAsync(context, requestToken.Issuer, requestToken.Jti, ct).ConfigureAwait(false))
            {
                return StoreWriteResult.RequestTokenReplayed;
            }

            if (!string.Equals(currentStamp, expectedConcurrencyStamp, StringComparison.Ordinal))
            {
                return StoreWriteResult.ConcurrencyConflict;
            }

            var entry = context.ClientRegistrations.Attach(ToEntity(registration));
            entry.State = EntityState.Modified;
            entry.Property(e => e.ConcurrencyStamp).OriginalValue = expectedConcurrencyStamp;
            context.UsedRequestTokens.Add(ToTokenEntity(requestToken));
            context.AuditRecords.Add(ToAuditEntity(
                DcrAuditRecord.ForWrite(DcrAuditOperations.Update, registration, requestToken.Jti, registration.UpdatedAt)));
            try
            {
                // The transaction is disposed (rolled back unless committed) before any catch below re-reads.
                var transaction = await BeginWriteTransactionAsync(context, IsolationLevel.Unspecified, ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await context.SaveChangesAsync(ct).ConfigureAwait(false);
                    await RunWriteHooksAsync(
                            context,
                            new RegistrationWrite(RegistrationWriteKind.Update, registration.ClientId, registration),
                            enlist,
                            ct)
                        .ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                }

                return StoreWriteResult.Success;
            }
            catch (DbUpdateConcurrencyException)
            {
                context.ChangeTracker.Clear();
                return await ClientExistsAsync(context, registration.ClientId, ct).ConfigureAwait(false)
                    ? StoreWriteResult.ConcurrencyConflict
                    : StoreWriteResult.NotFound;
            }
            catch (Exception ex) when (DcrDbExceptionClassifier.IsWriteRace(ex))
            {
                context.ChangeTracker.Clear();
                return await TokenUsedAsync(context, requestToken.Issuer, requestToken.Jti, ct).ConfigureAwait(false)
                    ? StoreWriteResult.RequestTokenReplayed
                    : StoreWriteResult.ConcurrencyConflict;
            }
        }, ct).ConfigureAwait(false);
        LogOutcome(result, registration, requestToken);
        return result;
    }

    /// <summary>How often a disable or enable that lost a race with another write is tried again on the new state.</summary>
    private const int MaxStateChangeAttempts = 5;

    /// <inheritdoc />
    public virtual Task<StoreWriteResult> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct)
        => SetDisabledAsync(clientId, disabled, enlist: null, ct);

    /// <summary>
    /// Disables or enables a client (see <see cref="IClientRegistrationStore.SetDisabledAsync"/>) and runs
    /// <paramref name="enlist"/> in the same transaction before the commit; <see cref="OnWritingAsync"/> sees an
    /// <see cref="RegistrationWriteKind.Update"/> with the new state, so a plug-in's client record follows it.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="disabled"><see langword="true"/> to disable, <see langword="false"/> to enable.</param>
    /// <param name="enlist">Writes further rows in the same transaction; <see langword="null"/> for none.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see cref="StoreWriteResult.Success"/>, or <see cref="StoreWriteResult.NotFound"/>.</returns>
    public virtual async Task<StoreWriteResult> SetDisabledAsync(
        string clientId,
        bool disabled,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var result = await ExecuteAsync(nameof(SetDisabledAsync), async context =>
        {
            // Conditional on the stamp read in the same attempt: a concurrent update (or disable) makes the write fail,
            // and the next attempt starts again from the new state.
            for (var attempt = 1; ; attempt++)
            {
                var row = await context.ClientRegistrations
                    .AsNoTracking()
                    .Where(e => e.ClientId == clientId)
                    .SingleOrDefaultAsync(ct)
                    .ConfigureAwait(false);
                if (row is null)
                {
                    return StoreWriteResult.NotFound;
                }

                var registration = ToModel(row).WithDisabled(disabled, TimeProvider.GetUtcNow());
                var entry = context.ClientRegistrations.Attach(ToEntity(registration));
                entry.State = EntityState.Modified;
                entry.Property(e => e.ConcurrencyStamp).OriginalValue = row.ConcurrencyStamp;
                var operation = disabled ? DcrAuditOperations.Disable : DcrAuditOperations.Enable;
                context.AuditRecords.Add(ToAuditEntity(DcrAuditRecord.ForWrite(operation, registration, requestJti: null, registration.UpdatedAt)));
                try
                {
                    var transaction = await BeginWriteTransactionAsync(context, IsolationLevel.Unspecified, ct).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        await context.SaveChangesAsync(ct).ConfigureAwait(false);
                        await RunWriteHooksAsync(
                                context,
                                new RegistrationWrite(RegistrationWriteKind.Update, clientId, registration),
                                enlist,
                                ct)
                            .ConfigureAwait(false);
                        await transaction.CommitAsync(ct).ConfigureAwait(false);
                    }

                    return StoreWriteResult.Success;
                }
                catch (DbUpdateConcurrencyException) when (attempt < MaxStateChangeAttempts)
                {
                    context.ChangeTracker.Clear();
                }
            }
        }, ct).ConfigureAwait(false);
        Logger.RegistrationDisabledChanged(clientId, disabled, result);
        return result;
    }

    /// <inheritdoc />
    public virtual Task<bool> DeleteAsync(string clientId, CancellationToken ct) => DeleteAsync(clientId, enlist: null, ct);

    /// <summary>Deletes a registration and runs <paramref name="enlist"/> in the same transaction before the commit.</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="enlist">
    /// Deletes further rows in the same transaction; it runs even when there was no registration, so that an adapter can
    /// remove a client record left without one. <see langword="null"/> for none.
    /// </param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a registration was deleted.</returns>
    public virtual async Task<bool> DeleteAsync(string clientId, Func<DcrDbContext, CancellationToken, Task>? enlist, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var deleted = await ExecuteAsync(nameof(DeleteAsync), async context =>
        {
            var transaction = await BeginWriteTransactionAsync(context, IsolationLevel.Unspecified, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // The deleted registration's identifiers go to the audit row, written in this transaction.
                var row = await context.ClientRegistrations
                    .AsNoTracking()
                    .Where(e => e.ClientId == clientId)
                    .SingleOrDefaultAsync(ct)
                    .ConfigureAwait(false);
                var found = row is not null
                    && await context.ClientRegistrations
                        .Where(e => e.ClientId == clientId)
                        .ExecuteDeleteAsync(ct)
                        .ConfigureAwait(false) > 0;
                if (!found && enlist is null)
                {
                    return false;
                }

                if (found)
                {
                    var audit = DcrAuditRecord.ForWrite(DcrAuditOperations.Delete, ToModel(row!), requestJti: null, TimeProvider.GetUtcNow());
                    context.AuditRecords.Add(ToAuditEntity(audit));
                    await context.SaveChangesAsync(ct).ConfigureAwait(false);
                    await OnWritingAsync(context, new RegistrationWrite(RegistrationWriteKind.Delete, clientId, null), ct).ConfigureAwait(false);
                }

                if (enlist is not null)
                {
                    await enlist(context, ct).ConfigureAwait(false);
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return found;
            }
        }, ct).ConfigureAwait(false);
        Logger.RegistrationDeleted(clientId, deleted);
        return deleted;
    }

    /// <summary>
    /// Deletes the used request tokens whose <see cref="UsedRequestToken.ExpiresAt"/> is before <paramref name="now"/>:
    /// they can no longer be replayed because the request JWT itself has expired. Run it periodically.
    /// </summary>
    /// <param name="now">The current time (from the host's <see cref="TimeProvider"/>).</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>How many tokens were deleted.</returns>
    public virtual async Task<int> PurgeExpiredRequestTokensAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = ToStoredPrecision(now);
        var count = await ExecuteAsync(nameof(PurgeExpiredRequestTokensAsync), context =>
            context.UsedRequestTokens.Where(e => e.ExpiresAt < cutoff).ExecuteDeleteAsync(ct), ct).ConfigureAwait(false);
        Logger.RequestTokensPurged(count, cutoff);
        return count;
    }

    /// <summary>
    /// Called inside the transaction of every successful create, update and delete, after the registration row is
    /// written and before the commit: whatever it writes through <paramref name="context"/> (or through another
    /// context enlisted in <paramref name="context"/>'s connection and transaction) commits or rolls back with the
    /// registration. An exception aborts the whole write. The default does nothing.
    /// </summary>
    /// <remarks>
    /// Authorization server plug-ins override it to keep their client record in step with the registration (the
    /// OpenIddict plug-in writes the OpenIddict application here). It may run again for the same registration when a
    /// write that lost a race is retried, so it must not assume it runs once.
    /// </remarks>
    /// <param name="context">The context of the write; its transaction is open.</param>
    /// <param name="write">What was written.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task that completes when the dependent writes are saved (not committed).</returns>
    protected virtual Task OnWritingAsync(DcrDbContext context, RegistrationWrite write, CancellationToken ct) => Task.CompletedTask;

    private Task RunWriteHooksAsync(
        DcrDbContext context,
        RegistrationWrite write,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
    {
        return enlist is null ? OnWritingAsync(context, write, ct) : RunBothAsync();

        async Task RunBothAsync()
        {
            await OnWritingAsync(context, write, ct).ConfigureAwait(false);
            await enlist(context, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Maps a registration to its row. Timestamps are normalised to UTC microseconds.</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The row.</returns>
    protected virtual ClientRegistrationEntity ToEntity(ClientRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return new ClientRegistrationEntity
        {
            ClientId = registration.ClientId,
            SoftwareId = registration.SoftwareId,
            OrganisationId = registration.OrganisationId,
            SoftwareStatementIssuer = registration.SoftwareStatementIssuer,
            TokenEndpointAuthMethod = registration.Metadata.TokenEndpointAuthMethod,
            TlsClientAuthSubjectDn = registration.Metadata.TlsClientAuthSubjectDn,
            JwksUri = registration.Metadata.JwksUri,
            MetadataJson = JsonSerializer.Serialize(registration.Metadata, DcrStoreJsonContext.Default.ClientMetadata),
            SoftwareStatement = registration.SoftwareStatement,
            SoftwareStatementClaims = registration.SoftwareStatementClaims,
            ClientSecretHash = registration.ClientSecretHash,
            ClientSecretExpiresAt = registration.ClientSecretExpiresAt is { } expiresAt ? ToStoredPrecision(expiresAt) : null,
            ClientIdIssuedAt = ToStoredPrecision(registration.ClientIdIssuedAt),
            UpdatedAt = ToStoredPrecision(registration.UpdatedAt),
            ConcurrencyStamp = registration.ConcurrencyStamp,
            TransportCertificateThumbprint = registration.TransportCertificate?.Thumbprint,
            TransportCertificateSubject = registration.TransportCertificate?.Subject,
            TransportCertificateNotAfter = registration.TransportCertificate is { } certificate ? ToStoredPrecision(certificate.NotAfter) : null,
            DisabledAt = registration.DisabledAt is { } disabledAt ? ToStoredPrecision(disabledAt) : null,
        };
    }

    /// <summary>Maps a row back to a registration.</summary>
    /// <param name="entity">The row.</param>
    /// <returns>The registration.</returns>
    protected virtual ClientRegistration ToModel(ClientRegistrationEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var metadata = JsonSerializer.Deserialize(entity.MetadataJson, DcrStoreJsonContext.Default.ClientMetadata)
            ?? throw new InvalidDataException(
                $"Registration '{entity.ClientId}' has no metadata in {DcrDbContext.ClientRegistrationsTable}.MetadataJson.");
        return new ClientRegistration
        {
            ClientId = entity.ClientId,
            ClientIdIssuedAt = entity.ClientIdIssuedAt,
            SoftwareId = entity.SoftwareId,
            OrganisationId = entity.OrganisationId,
            SoftwareStatementIssuer = entity.SoftwareStatementIssuer,
            Metadata = metadata,
            SoftwareStatement = entity.SoftwareStatement,
            SoftwareStatementClaims = entity.SoftwareStatementClaims,
            ClientSecretHash = entity.ClientSecretHash,
            ClientSecretExpiresAt = entity.ClientSecretExpiresAt,
            UpdatedAt = entity.UpdatedAt,
            ConcurrencyStamp = entity.ConcurrencyStamp,
            TransportCertificate = ToCertificate(
                entity.TransportCertificateThumbprint,
                entity.TransportCertificateSubject,
                entity.TransportCertificateNotAfter),
            DisabledAt = entity.DisabledAt,
        };
    }

    /// <summary>The transport certificate of a row's columns; <see langword="null"/> for a row without one.</summary>
    internal static TransportCertificateInfo? ToCertificate(string? thumbprint, string? subject, DateTimeOffset? notAfter)
        => thumbprint is null ? null : new TransportCertificateInfo(thumbprint, subject ?? string.Empty, notAfter ?? default);

    /// <summary>The audit row of a successful write, added to the write's own context (so it commits with it).</summary>
    /// <param name="record">The audit entry.</param>
    /// <returns>The row.</returns>
    internal static AuditRecordEntity ToAuditEntity(DcrAuditRecord record) => new()
    {
        Id = record.Id,
        OccurredAt = ToStoredPrecision(record.OccurredAt),
        Operation = record.Operation,
        Outcome = record.Outcome,
        ErrorCode = Bounded(record.ErrorCode, 64),
        ClientId = Bounded(record.ClientId, 64),
        SoftwareId = Bounded(record.SoftwareId, 256),
        OrganisationId = Bounded(record.OrganisationId, 256),
        SoftwareStatementIssuer = Bounded(record.SoftwareStatementIssuer, 256),
        CertificateThumbprint = Bounded(record.CertificateThumbprint, 64),
        CertificateSubject = Bounded(record.CertificateSubject, 1024),
        RequestJti = Bounded(record.RequestJti, 256),
        Actor = Bounded(record.Actor, 256),
    };

    private static string? Bounded(string? value, int length) => value is { } v && v.Length > length ? v[..length] : value;

    /// <summary>Truncates to the microsecond and converts to UTC: what both providers can store exactly.</summary>
    internal static DateTimeOffset ToStoredPrecision(DateTimeOffset value)
        => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    private static UsedRequestTokenEntity ToTokenEntity(UsedRequestToken token) => new()
    {
        Issuer = token.Issuer,
        Jti = token.Jti,
        ExpiresAt = ToStoredPrecision(token.ExpiresAt),
    };

    /// <returns>The outcome, or <see langword="null"/> when another writer won a race and the caller must re-read.</returns>
    private async Task<StoreWriteResult?> TryCreateAsync(
        DcrDbContext context,
        ClientRegistration registration,
        UsedRequestToken token,
        bool requireUniqueSoftware,
        Func<DcrDbContext, CancellationToken, Task>? enlist,
        CancellationToken ct)
    {
        try
        {
            // One transaction: the registration, the used token and whatever OnWritingAsync adds, or none of them. A
            // replay hits the token's primary key. With requireUniqueSoftware, Serializable makes "no registration for
            // this software yet" hold until commit: of two concurrent writers for the same software, PostgreSQL fails
            // one with 40001 (SQLite serialises writers anyway).
            var transaction = await BeginWriteTransactionAsync(
                    context,
                    requireUniqueSoftware ? IsolationLevel.Serializable : IsolationLevel.Unspecified,
                    ct)
                .ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (requireUniqueSoftware)
                {
                    if (await TokenUsedAsync(context, token.Issuer, token.Jti, ct).ConfigureAwait(false))
                    {
                        return StoreWriteResult.RequestTokenReplayed;
                    }

                    if (await SoftwareExistsAsync(context, registration.SoftwareId, ct).ConfigureAwait(false))
                    {
                        return StoreWriteResult.DuplicateSoftware;
                    }
                }

                context.ClientRegistrations.Add(ToEntity(registration));
                context.UsedRequestTokens.Add(ToTokenEntity(token));
                context.AuditRecords.Add(ToAuditEntity(
                    DcrAuditRecord.ForWrite(DcrAuditOperations.Create, registration, token.Jti, registration.UpdatedAt)));
                await context.SaveChangesAsync(ct).ConfigureAwait(false);
                await RunWriteHooksAsync(
                        context,
                        new RegistrationWrite(RegistrationWriteKind.Create, registration.ClientId, registration),
                        enlist,
                        ct)
                    .ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return StoreWriteResult.Success;
            }
        }
        catch (Exception ex) when (DcrDbExceptionClassifier.IsWriteRace(ex))
        {
            return null;
        }
    }

    /// <returns>Why a create lost its race, or <see langword="null"/> when nothing explains it (retry).</returns>
    private static async Task<StoreWriteResult?> ExplainLostCreateAsync(
        DcrDbContext context,
        ClientRegistration registration,
        UsedRequestToken token,
        bool requireUniqueSoftware,
        CancellationToken ct)
    {
        if (await TokenUsedAsync(context, token.Issuer, token.Jti, ct).ConfigureAwait(false))
        {
            return StoreWriteResult.RequestTokenReplayed;
        }

        if (requireUniqueSoftware && await SoftwareExistsAsync(context, registration.SoftwareId, ct).ConfigureAwait(false))
        {
            return StoreWriteResult.DuplicateSoftware;
        }

        if (await ClientExistsAsync(context, registration.ClientId, ct).ConfigureAwait(false))
        {
            return StoreWriteResult.ConcurrencyConflict;
        }

        return null;
    }

    /// <summary>The insert statement's head for the context's model (table, schema and columns as mapped), built once.</summary>
    private UsedTokenStatement UsedTokenInsert(DcrDbContext context)
    {
        if (_usedTokenInsert is { } built)
        {
            return built;
        }

        var entity = context.Model.FindEntityType(typeof(UsedRequestTokenEntity))
            ?? throw new InvalidOperationException($"{nameof(UsedRequestTokenEntity)} is not in the model of {context.GetType().Name}.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var helper = context.GetService<ISqlGenerationHelper>();
        string Column(string property) => helper.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var expiresAt = entity.FindProperty(nameof(UsedRequestTokenEntity.ExpiresAt))!;

        // Both providers (PostgreSQL 9.5+, SQLite 3.24+) support ON CONFLICT DO NOTHING: a replay affects no row.
        var columns = string.Join(", ", Column(nameof(UsedRequestTokenEntity.Issuer)), Column(nameof(UsedRequestTokenEntity.Jti)),
            Column(nameof(UsedRequestTokenEntity.ExpiresAt)));
        var insert = $"INSERT INTO {helper.DelimitIdentifier(table.Name, table.Schema)} ({columns})";
        return _usedTokenInsert = new UsedTokenStatement(insert, expiresAt.GetTypeMapping().Converter);
    }

    /// <summary>
    /// Begins a write's transaction. Savepoints are off: every failure rolls the whole transaction back, so EF Core's
    /// automatic savepoint before each SaveChanges would only add a statement per write.
    /// </summary>
    private static async Task<IDbContextTransaction> BeginWriteTransactionAsync(DcrDbContext context, IsolationLevel isolation, CancellationToken ct)
    {
        var transaction = await context.Database.BeginTransactionAsync(isolation, ct).ConfigureAwait(false);
        context.Database.AutoSavepointsEnabled = false;
        return transaction;
    }

    private static Task<bool> TokenUsedAsync(DcrDbContext context, string issuer, string jti, CancellationToken ct)
        => context.UsedRequestTokens.AsNoTracking().AnyAsync(e => e.Issuer == issuer && e.Jti == jti, ct);

    private static Task<bool> SoftwareExistsAsync(DcrDbContext context, string softwareId, CancellationToken ct)
        => context.ClientRegistrations.AsNoTracking().AnyAsync(e => e.SoftwareId == softwareId, ct);

    private static Task<bool> ClientExistsAsync(DcrDbContext context, string clientId, CancellationToken ct)
        => context.ClientRegistrations.AsNoTracking().AnyAsync(e => e.ClientId == clientId, ct);

    /// <summary>
    /// Runs one operation on a fresh context, disposed afterwards; a database fault becomes
    /// <see cref="DcrStoreUnavailableException"/> (logged once), as for every call of the store.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="operation">The operation's name, for the log.</param>
    /// <param name="action">The operation.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="DcrStoreUnavailableException">The database cannot be reached.</exception>
    protected Task<T> ExecuteAsync<T>(string operation, Func<DcrDbContext, Task<T>> action, CancellationToken ct)
        => DcrStoreExecution.RunAsync(ContextFactory, Logger, operation, action, ct);

    private void LogOutcome(StoreWriteResult result, ClientRegistration registration, UsedRequestToken token)
    {
        switch (result)
        {
            case StoreWriteResult.Success:
                Logger.RegistrationStored(registration.ClientId, registration.SoftwareId, registration.OrganisationId);
                break;
            case StoreWriteResult.RequestTokenReplayed:
                Logger.RequestTokenReplayed(registration.ClientId, token.Issuer, token.Jti);
                break;
            case StoreWriteResult.DuplicateSoftware:
                Logger.DuplicateSoftware(registration.ClientId, registration.SoftwareId);
                break;
            case StoreWriteResult.ConcurrencyConflict:
                Logger.ConcurrencyConflict(registration.ClientId);
                break;
            case StoreWriteResult.NotFound:
                Logger.RegistrationNotFound(registration.ClientId);
                break;
            default:
                break;
        }
    }

    private sealed record UsedTokenStatement(string Insert, ValueConverter? ExpiresAt);
}
