// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.OpenIddict.Logging;
using IdentityServer.Dcr.OpenIddict.Stores;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Makes a registered client's assertion single-use: its (<c>client_id</c>, <c>jti</c>) is recorded in the DCR store's
/// used-token table (<see cref="EntityFrameworkClientRegistrationStore.TryRecordUsedTokenAsync"/>, expiring with the
/// assertion) by one statement whose primary key decides, so a replay is refused on every instance, even when two
/// copies arrive at once. The store's purge removes the rows once expired.
/// The same statement records the assertion only while the client's OpenIddict application is still the version
/// the request was checked with
/// (<see cref="OpenIddictClientRegistrationStore.TryRecordClientAssertionAsync(string, string, DateTimeOffset, string, CancellationToken)"/>):
/// a client updated, disabled or deleted meanwhile, here or on another instance, gets <c>invalid_client</c> and nothing
/// is recorded, so it may send the same request again. This is what makes the token endpoint's application cache
/// (<see cref="DcrApplicationCacheOptions"/>) safe.
/// </summary>
public sealed class RejectReplayedDcrClientAssertion : IOpenIddictServerHandler<ProcessAuthenticationContext>
{

    private readonly EntityFrameworkClientRegistrationStore _store;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="store">The DCR store.</param>
    /// <param name="logger">The logger.</param>
    public RejectReplayedDcrClientAssertion(EntityFrameworkClientRegistrationStore store, ILogger<RejectReplayedDcrClientAssertion> logger)
    {
        _store = store;
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

        // The engine read jti and exp (required, bounded, within the lifetime cap) before OpenIddict verified the
        // signature over the same token; a principal without the engine's check cannot get here for a DCR client.
        if (state.Assertion is not { Succeeded: true } assertion)
        {
            context.Reject(Errors.InvalidClient, DcrErrorDescriptions.AssertionNotChecked);
            return;
        }

        var clientId = state.Client.ClientId;
        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        var recording = _store is OpenIddictClientRegistrationStore store && state.Client.ApplicationVersion is { Length: > 0 } version
            ? await store.TryRecordClientAssertionAsync(clientId, assertion.TokenId, assertion.ExpiresAt, version, ct).ConfigureAwait(false)
            : await _store.TryRecordClientAssertionAsync(clientId, assertion.TokenId, assertion.ExpiresAt, ct).ConfigureAwait(false)
                ? ClientAssertionRecording.Recorded
                : ClientAssertionRecording.Replayed;
        switch (recording)
        {
            case ClientAssertionRecording.Replayed:
                _logger.AssertionReplayed(clientId, assertion.TokenId);
                context.Reject(Errors.InvalidClient, DcrErrorDescriptions.AssertionReplayed);
                break;
            case ClientAssertionRecording.ApplicationChanged:
                _logger.ApplicationChangedDuringRequest(clientId);
                context.Reject(Errors.InvalidClient, DcrErrorDescriptions.ClientRegistrationChanged);
                break;
        }
    }
}
