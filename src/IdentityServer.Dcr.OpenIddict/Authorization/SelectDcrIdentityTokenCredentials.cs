// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Logging;
using IdentityServer.Dcr.Stores;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authorization;

/// <summary>
/// Signs a registered client's ID tokens with its registered <c>id_token_signed_response_alg</c> (so a value the bank
/// substituted at registration is visibly the one used): OpenIddict signs every token with its first signing
/// credential. The bank must hold a signing credential of each algorithm it lets clients register
/// (<c>Dcr:Registration:IdTokenSigningAlgorithms</c>); without one, the default credential signs and a warning is logged.
/// </summary>
public sealed class SelectDcrIdentityTokenCredentials : IOpenIddictServerHandler<GenerateTokenContext>
{
    private readonly IOpenIddictApplicationManager _applications;
    private readonly IClientRegistrationStore _store;
    private readonly ILogger<SelectDcrIdentityTokenCredentials> _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="applications">OpenIddict's applications (the registered algorithm is in their settings).</param>
    /// <param name="store">The registrations, for applications without the setting.</param>
    /// <param name="logger">The logger.</param>
    public SelectDcrIdentityTokenCredentials(
        IOpenIddictApplicationManager applications,
        IClientRegistrationStore store,
        ILogger<SelectDcrIdentityTokenCredentials> logger)
    {
        _applications = applications;
        _store = store;
        _logger = logger;
    }

    /// <summary>The descriptor: after OpenIddict attaches its default credentials.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .UseScopedHandler<SelectDcrIdentityTokenCredentials>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(GenerateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TokenType != TokenTypeIdentifiers.IdentityToken || string.IsNullOrEmpty(context.ClientId))
        {
            return;
        }

        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        string? algorithm = null;
        var application = await _applications.FindByClientIdAsync(context.ClientId, ct).ConfigureAwait(false);
        if (application is not null)
        {
            var settings = await _applications.GetSettingsAsync(application, ct).ConfigureAwait(false);
            algorithm = settings.GetValueOrDefault(DcrOpenIddictConstants.IdTokenSignedResponseAlgSetting);
        }

        algorithm ??= (await _store.FindByClientIdAsync(context.ClientId, ct).ConfigureAwait(false))?.Metadata.IdTokenSignedResponseAlg;
        if (string.IsNullOrEmpty(algorithm) || string.Equals(context.SigningCredentials?.Algorithm, algorithm, StringComparison.Ordinal))
        {
            return;
        }

        var credentials = context.Options.SigningCredentials.FirstOrDefault(c => string.Equals(c.Algorithm, algorithm, StringComparison.Ordinal));
        if (credentials is null)
        {
            _logger.IdTokenAlgorithmUnavailable(context.ClientId, algorithm);
            return;
        }

        context.SigningCredentials = credentials;
    }
}
