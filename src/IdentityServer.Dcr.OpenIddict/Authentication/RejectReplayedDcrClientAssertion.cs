// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Makes a registered client's assertion single-use: its (<c>client_id</c>, <c>jti</c>) is recorded in the DCR store's
/// used-token table (<see cref="EntityFrameworkClientRegistrationStore.TryRecordUsedTokenAsync"/>, expiring with the
/// assertion) by one statement whose primary key decides, so a replay is refused on every instance, even when two
/// copies arrive at once. The store's purge removes the rows once expired.
/// </summary>
public sealed class RejectReplayedDcrClientAssertion : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    /// <summary>The prefix of the recorded issuer, which keeps assertions apart from registration requests (whose issuer is a software_id).</summary>
    internal const string IssuerPrefix = "client_assertion:";

    private readonly EntityFrameworkClientRegistrationStore _store;
    private readonly IOptionsMonitor<DcrOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="store">The DCR store.</param>
    /// <param name="options">The engine options (<see cref="RegistrationOptions.MaxClientAssertionLifetime"/>, the clock skew).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public RejectReplayedDcrClientAssertion(EntityFrameworkClientRegistrationStore store, IOptionsMonitor<DcrOptions> options, TimeProvider time, ILogger<RejectReplayedDcrClientAssertion> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The descriptor: once OpenIddict has verified the assertion and its issuer.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
            .UseSingletonHandler<RejectReplayedDcrClientAssertion>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (DcrClientAuthenticationState.Get(context.Transaction) is not { } state || context.ClientAssertionPrincipal is not { } principal)
        {
            return;
        }

        var clientId = state.Client.ClientId;
        var jti = principal.GetClaim(Claims.JwtId);
        var expiresAt = principal.GetExpirationDate();
        if (string.IsNullOrEmpty(jti) || expiresAt is null)
        {
            _logger.AssertionMissingJti(clientId);
            context.Reject(Errors.InvalidClient, "The client assertion must carry jti and exp.");
            return;
        }

        if (jti.Length > MaxJtiLength)
        {
            _logger.AssertionJtiTooLong(clientId, jti.Length);
            context.Reject(Errors.InvalidClient, $"The client assertion's jti must be at most {MaxJtiLength} characters.");
            return;
        }

        var options = _options.CurrentValue;
        if (options.ClientAssertionExpiresTooLate(expiresAt.Value, _time.GetUtcNow()))
        {
            _logger.AssertionLifetimeTooLong(clientId, expiresAt.Value);
            context.Reject(Errors.InvalidClient, $"The client assertion must expire within {options.Registration.MaxClientAssertionLifetime.TotalMinutes:0} minutes.");
            return;
        }

        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        if (!await _store.TryRecordUsedTokenAsync(new UsedRequestToken(IssuerPrefix + clientId, jti, expiresAt.Value), ct).ConfigureAwait(false))
        {
            _logger.AssertionReplayed(clientId, jti);
            context.Reject(Errors.InvalidClient, "The client assertion has already been used.");
        }
    }

    /// <summary>The longest jti the used-token table holds (its key column is 256 characters).</summary>
    private const int MaxJtiLength = 256;
}
