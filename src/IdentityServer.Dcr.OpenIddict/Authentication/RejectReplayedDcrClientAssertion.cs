// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Logging;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Makes a registered client's assertion single-use: its (<c>client_id</c>, <c>jti</c>) is recorded as an OpenIddict
/// token entry (type <see cref="DcrOpenIddictConstants.UsedClientAssertionTokenType"/>, expiring with the assertion),
/// whose reference identifier is unique in the database, so a replay is refused on every instance, even when two
/// copies arrive at once. OpenIddict's token pruning removes the entries once expired.
/// </summary>
public sealed class RejectReplayedDcrClientAssertion : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    private readonly IOpenIddictTokenManager _tokens;
    private readonly IOpenIddictApplicationManager _applications;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="tokens">OpenIddict's token manager.</param>
    /// <param name="applications">OpenIddict's application manager.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    public RejectReplayedDcrClientAssertion(IOpenIddictTokenManager tokens, IOpenIddictApplicationManager applications, TimeProvider time, ILogger<RejectReplayedDcrClientAssertion> logger)
    {
        _tokens = tokens;
        _applications = applications;
        _time = time;
        _logger = logger;
    }

    /// <summary>The descriptor: once OpenIddict has verified the assertion and its issuer.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
            .UseScopedHandler<RejectReplayedDcrClientAssertion>()
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

        var clientId = state.Registration.ClientId;
        var jti = principal.GetClaim(Claims.JwtId);
        var expiresAt = principal.GetExpirationDate();
        if (string.IsNullOrEmpty(jti) || expiresAt is null)
        {
            _logger.AssertionMissingJti(clientId);
            context.Reject(Errors.InvalidClient, "The client assertion must carry jti and exp.");
            return;
        }

        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        var referenceId = $"dcr-assertion:{clientId}:{jti}";
        if (await _tokens.FindByReferenceIdAsync(referenceId, ct).ConfigureAwait(false) is not null)
        {
            Reject(context, clientId, jti);
            return;
        }

        var application = await _applications.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
        try
        {
            await _tokens.CreateAsync(new OpenIddictTokenDescriptor
            {
                ApplicationId = application is null ? null : await _applications.GetIdAsync(application, ct).ConfigureAwait(false),
                CreationDate = _time.GetUtcNow(),
                ExpirationDate = expiresAt,
                ReferenceId = referenceId,
                Status = Statuses.Redeemed,
                Subject = clientId,
                Type = DcrOpenIddictConstants.UsedClientAssertionTokenType,
            }, ct).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // The unique reference identifier: another request recorded the same assertion first.
            Reject(context, clientId, jti);
        }
    }

    private void Reject(ProcessAuthenticationContext context, string clientId, string jti)
    {
        _logger.AssertionReplayed(clientId, jti);
        context.Reject(Errors.InvalidClient, "The client assertion has already been used.");
    }
}
