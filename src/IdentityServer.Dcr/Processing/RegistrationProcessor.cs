// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Processing;

/// <summary>The default <see cref="IRegistrationProcessor"/>.</summary>
public class RegistrationProcessor : IRegistrationProcessor
{
    /// <summary>The authentication methods that need a client secret issued at registration.</summary>
    public static readonly IReadOnlySet<string> SecretMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
    };

    /// <summary>Creates the processor.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="store">The registration store.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="secretHasher">Hashes the client secrets issued (the token endpoint verifies them with the same service).</param>
    /// <param name="logger">The logger.</param>
    public RegistrationProcessor(
        IOptionsMonitor<DcrOptions> options,
        IClientRegistrationStore store,
        TimeProvider timeProvider,
        IClientSecretHasher secretHasher,
        ILogger<RegistrationProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secretHasher);
        Options = options;
        Store = store;
        TimeProvider = timeProvider;
        SecretHasher = secretHasher;
        Logger = logger;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The registration store.</summary>
    protected IClientRegistrationStore Store { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Hashes client secrets for storage.</summary>
    protected IClientSecretHasher SecretHasher { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public virtual async Task<DcrResult<RegistrationOutcome>> CreateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = Options.CurrentValue.Registration;
        var ssa = context.SoftwareStatement!;
        var metadata = context.Metadata!;
        var unique = options.DuplicateRegistrations == DuplicateRegistrationPolicy.Reject;
        if (unique && await Store.ExistsForSoftwareAsync(ssa.SoftwareId, ct).ConfigureAwait(false))
        {
            Logger.DuplicateRegistrationRefused(ssa.SoftwareId);
            return DcrResult.Failure<RegistrationOutcome>(DuplicateError);
        }

        var now = TimeProvider.GetUtcNow();
        var secret = IssueClientSecret(context, now);
        var registration = new ClientRegistration
        {
            ClientId = CreateClientId(context),
            ClientIdIssuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()),
            SoftwareId = ssa.SoftwareId,
            OrganisationId = ssa.OrganisationId,
            SoftwareStatementIssuer = ssa.Issuer,
            Metadata = metadata,
            SoftwareStatement = ssa.Jwt,
            SoftwareStatementClaims = ssa.Claims.GetRawText(),
            ClientSecretHash = secret?.Hash,
            ClientSecretExpiresAt = secret?.ExpiresAt,
            UpdatedAt = now,
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            TransportCertificate = TransportCertificateInfo.From(context.Request.ClientCertificate),
        };

        var result = await WriteNewAsync(context, registration, unique, ct).ConfigureAwait(false);
        switch (result)
        {
            case StoreWriteResult.Success:
                Logger.ClientRegistered(registration.ClientId, registration.SoftwareId, registration.OrganisationId);
                return DcrResult.Success(new RegistrationOutcome(registration, secret?.PlainText));
            case StoreWriteResult.RequestTokenReplayed:
                Logger.RequestReplayed(ssa.SoftwareId, DcrErrorDescriptions.Truncate(context.UsedRequestToken!.Jti));
                return DcrResult.Failure<RegistrationOutcome>(DcrError.InvalidClientMetadata(DcrErrorDescriptions.JtiReplayed));
            case StoreWriteResult.DuplicateSoftware:
                Logger.DuplicateRegistrationRefused(ssa.SoftwareId);
                return DcrResult.Failure<RegistrationOutcome>(DuplicateError);
            default:
                throw new DcrInfrastructureException($"The registration store answered {result} to a new registration.");
        }
    }

    /// <inheritdoc />
    public virtual async Task<DcrResult<RegistrationOutcome>> UpdateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ssa = context.SoftwareStatement!;
        var existing = context.ExistingRegistration
            ?? throw new InvalidOperationException("UpdateAsync needs DcrRequestContext.ExistingRegistration.");
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var updated = existing.ReplacedBy(
                ssa,
                context.Metadata!,
                TimeProvider.GetUtcNow(),
                TransportCertificateInfo.From(context.Request.ClientCertificate));

            var result = await WriteUpdateAsync(context, updated, existing.ConcurrencyStamp, ct).ConfigureAwait(false);
            switch (result)
            {
                case StoreWriteResult.Success:
                    Logger.ClientUpdated(updated.ClientId, updated.SoftwareId);
                    return DcrResult.Success(new RegistrationOutcome(updated, null));
                case StoreWriteResult.RequestTokenReplayed:
                    Logger.RequestReplayed(ssa.SoftwareId, DcrErrorDescriptions.Truncate(context.UsedRequestToken!.Jti));
                    return DcrResult.Failure<RegistrationOutcome>(DcrError.InvalidClientMetadata(DcrErrorDescriptions.JtiReplayed));
                case StoreWriteResult.NotFound:
                    return DcrResult.Failure<RegistrationOutcome>(DcrError.InvalidClientMetadata(DcrErrorDescriptions.ClientDeletedDuringUpdate));
                case StoreWriteResult.ConcurrencyConflict:
                    // Another update won the race: apply this one on top of it rather than lose either.
                    existing = await Store.FindByClientIdAsync(existing.ClientId, ct).ConfigureAwait(false)
                        ?? throw new DcrInfrastructureException("The registration disappeared during a concurrent update.");
                    continue;
                default:
                    throw new DcrInfrastructureException($"The registration store answered {result} to an update.");
            }
        }

        throw new DcrInfrastructureException($"The registration could not be updated after {MaxUpdateAttempts} concurrent attempts.");
    }

    private const int MaxUpdateAttempts = 5;

    /// <summary>Writes a new registration and the request token that created it, atomically: by default to the store.</summary>
    /// <param name="context">The validated request context.</param>
    /// <param name="registration">The registration to store.</param>
    /// <param name="requireUniqueSoftware">Whether to refuse when the <c>software_id</c> is already registered.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The store's outcome.</returns>
    /// <remarks>A plug-in overrides it to write its server's client record in the same transaction (Duende).</remarks>
    protected virtual Task<StoreWriteResult> WriteNewAsync(
        DcrRequestContext context,
        ClientRegistration registration,
        bool requireUniqueSoftware,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Store.CreateAsync(registration, context.UsedRequestToken!, requireUniqueSoftware, ct);
    }

    /// <summary>
    /// Replaces a registration if it still has <paramref name="expectedConcurrencyStamp"/>, recording the request
    /// token: by default in the store.
    /// </summary>
    /// <param name="context">The validated request context.</param>
    /// <param name="registration">The new state.</param>
    /// <param name="expectedConcurrencyStamp">The stamp read before the update.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The store's outcome; on <see cref="StoreWriteResult.ConcurrencyConflict"/> the update is tried again on the latest version.</returns>
    protected virtual Task<StoreWriteResult> WriteUpdateAsync(
        DcrRequestContext context,
        ClientRegistration registration,
        string expectedConcurrencyStamp,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Store.UpdateAsync(registration, expectedConcurrencyStamp, context.UsedRequestToken!, ct);
    }

    /// <summary>
    /// The client secret of a new registration: by default, for the <c>client_secret_*</c> methods only, a new secret
    /// (<see cref="CreateClientSecret"/>) hashed with the engine's <see cref="IClientSecretHasher"/>, expiring after
    /// <see cref="RegistrationOptions.ClientSecretLifetime"/>; <see langword="null"/> for every other method.
    /// </summary>
    /// <param name="context">The validated request context.</param>
    /// <param name="now">The time of the registration.</param>
    /// <returns>The secret, or <see langword="null"/>.</returns>
    protected virtual IssuedClientSecret? IssueClientSecret(DcrRequestContext context, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!SecretMethods.Contains(context.Metadata!.TokenEndpointAuthMethod))
        {
            return null;
        }

        var secret = CreateClientSecret();
        var lifetime = Options.CurrentValue.Registration.ClientSecretLifetime;
        return new IssuedClientSecret(secret, SecretHasher.Hash(secret), lifetime is { } l ? now + l : null);
    }

    /// <summary>Creates a client identifier: by default a random UUID (36 characters, the specification's limit).</summary>
    /// <param name="context">The request context.</param>
    /// <returns>The client identifier.</returns>
    protected virtual string CreateClientId(DcrRequestContext context) => Guid.NewGuid().ToString("D");

    /// <summary>Creates a client secret: by default 27 random bytes, base64url-encoded (36 characters, the specification's limit).</summary>
    /// <returns>The secret.</returns>
    protected virtual string CreateClientSecret()
        => Convert.ToBase64String(RandomNumberGenerator.GetBytes(27)).Replace('+', '-').Replace('/', '_');

    /// <summary>The error for a second registration of a software that must be registered once.</summary>
    internal static readonly DcrError DuplicateError =
        DcrError.InvalidClientMetadata(DcrErrorDescriptions.SoftwareAlreadyRegistered);
}
