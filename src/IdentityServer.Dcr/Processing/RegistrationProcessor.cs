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
    internal static readonly IReadOnlySet<string> SecretMethods = new HashSet<string>(StringComparer.Ordinal) { "client_secret_basic", "client_secret_post", "client_secret_jwt" };

    /// <summary>Creates the processor.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="store">The registration store.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="secretHasher">Hashes the client secrets issued (the token endpoint verifies them with the same service).</param>
    /// <param name="logger">The logger.</param>
    public RegistrationProcessor(IOptionsMonitor<DcrOptions> options, IClientRegistrationStore store, TimeProvider timeProvider, IClientSecretHasher secretHasher, ILogger<RegistrationProcessor> logger)
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
        string? secret = null;
        DateTimeOffset? secretExpiresAt = null;
        if (SecretMethods.Contains(metadata.TokenEndpointAuthMethod))
        {
            secret = CreateClientSecret();
            secretExpiresAt = options.ClientSecretLifetime is { } lifetime ? now + lifetime : null;
        }

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
            ClientSecretHash = secret is null ? null : SecretHasher.Hash(secret),
            ClientSecretExpiresAt = secretExpiresAt,
            UpdatedAt = now,
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            TransportCertificate = TransportCertificateInfo.From(context.Request.ClientCertificate),
        };

        var result = await Store.CreateAsync(registration, context.UsedRequestToken!, unique, ct).ConfigureAwait(false);
        switch (result)
        {
            case StoreWriteResult.Success:
                Logger.ClientRegistered(registration.ClientId, registration.SoftwareId, registration.OrganisationId);
                return DcrResult.Success(new RegistrationOutcome(registration, secret));
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
        var existing = context.ExistingRegistration ?? throw new InvalidOperationException("UpdateAsync needs DcrRequestContext.ExistingRegistration.");
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var updated = existing.ReplacedBy(ssa, context.Metadata!, TimeProvider.GetUtcNow(), TransportCertificateInfo.From(context.Request.ClientCertificate));

            var result = await Store.UpdateAsync(updated, existing.ConcurrencyStamp, context.UsedRequestToken!, ct).ConfigureAwait(false);
            switch (result)
            {
                case StoreWriteResult.Success:
                    Logger.ClientUpdated(updated.ClientId, updated.SoftwareId);
                    return DcrResult.Success(new RegistrationOutcome(updated, null));
                case StoreWriteResult.RequestTokenReplayed:
                    Logger.RequestReplayed(ssa.SoftwareId, DcrErrorDescriptions.Truncate(context.UsedRequestToken!.Jti));
                    return DcrResult.Failure<RegistrationOutcome>(DcrError.InvalidClientMetadata(DcrErrorDescriptions.JtiReplayed));
                case StoreWriteResult.NotFound:
                    return DcrResult.Failure<RegistrationOutcome>(DcrError.InvalidClientMetadata("The client was deleted while this update was processed."));
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

    /// <summary>Creates a client identifier: by default a random UUID (36 characters, the specification's limit).</summary>
    /// <param name="context">The request context.</param>
    /// <returns>The client identifier.</returns>
    protected virtual string CreateClientId(DcrRequestContext context) => Guid.NewGuid().ToString("D");

    /// <summary>Creates a client secret: by default 27 random bytes, base64url-encoded (36 characters, the specification's limit).</summary>
    /// <returns>The secret.</returns>
    protected virtual string CreateClientSecret()
        => Convert.ToBase64String(RandomNumberGenerator.GetBytes(27)).Replace('+', '-').Replace('/', '_');

    /// <summary>The error for a second registration of a software that must be registered once.</summary>
    internal static readonly DcrError DuplicateError = DcrError.InvalidClientMetadata(
        "This software is already registered with this bank; update the existing client (PUT) instead of registering again.");
}
