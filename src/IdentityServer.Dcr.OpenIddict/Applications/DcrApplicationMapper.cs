// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Immutable;
using System.Globalization;
using IdentityServer.Dcr.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace IdentityServer.Dcr.OpenIddict.Applications;

/// <summary>
/// Decides what the OpenIddict application of a registration holds: a confidential web client whose identifier is
/// the registration's, permitted to use the token endpoint with the registered grant types and scopes.
/// </summary>
/// <remarks>
/// The application has no client secret and no JWKS: the plug-in authenticates DCR clients itself, from the
/// registration (secret hash, <c>jwks_uri</c>, subject DN), so a key rotation at the TPP needs no write here.
/// The registered authentication method, signing algorithm, subject DN and JWKS URL are kept in the application's
/// settings (<see cref="DcrOpenIddictConstants"/>), with the TPP identifiers: the token endpoint reads the client from
/// them (and the scopes from the permissions), which saves a read of the registration per token request. An override
/// that drops them makes the token endpoint read the registration instead. Override a method to grant more, for example
/// the authorization endpoint's permissions once the bank runs the authorization code flow.
/// </remarks>
public class DcrApplicationMapper
{
    /// <summary>The permissions: the token endpoint, each registered grant type, and each registered scope.</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The permissions.</returns>
    public virtual ImmutableArray<string> GetPermissions(ClientRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var permissions = ImmutableArray.CreateBuilder<string>();
        permissions.Add(Permissions.Endpoints.Token);
        foreach (var grantType in registration.Metadata.GrantTypes)
        {
            permissions.Add(Permissions.Prefixes.GrantType + grantType);
        }

        if (registration.Metadata.GrantTypes.Contains(GrantTypes.AuthorizationCode, StringComparer.Ordinal))
        {
            permissions.Add(Permissions.Endpoints.Authorization);
            permissions.Add(Permissions.Endpoints.PushedAuthorization);
            foreach (var responseType in registration.Metadata.ResponseTypes)
            {
                permissions.Add(Permissions.Prefixes.ResponseType + responseType);

                // OpenIddict treats code id_token as the hybrid flow, which needs the implicit grant's permission too;
                // only the registered response types are permitted, so id_token alone stays refused.
                if (responseType.Split(' ').Contains(ResponseTypes.IdToken, StringComparer.Ordinal))
                {
                    permissions.Add(Permissions.GrantTypes.Implicit);
                }
            }
        }

        foreach (var scope in registration.Metadata.GetScopes())
        {
            permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        return permissions.Distinct(StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>The settings: the registered authentication method, the TPP identifiers and whether the client is disabled.</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The settings.</returns>
    public virtual ImmutableDictionary<string, string> GetSettings(ClientRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var settings = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        settings[DcrOpenIddictConstants.TokenEndpointAuthMethodSetting] = registration.Metadata.TokenEndpointAuthMethod;
        settings[DcrOpenIddictConstants.SoftwareIdSetting] = registration.SoftwareId;
        settings[DcrOpenIddictConstants.OrganisationIdSetting] = registration.OrganisationId;
        AddIfSet(settings, DcrOpenIddictConstants.TokenEndpointAuthSigningAlgSetting, registration.Metadata.TokenEndpointAuthSigningAlg);
        AddIfSet(settings, DcrOpenIddictConstants.TlsClientAuthSubjectDnSetting, registration.Metadata.TlsClientAuthSubjectDn);
        AddIfSet(settings, DcrOpenIddictConstants.JwksUriSetting, registration.Metadata.JwksUri);
        AddIfSet(settings, DcrOpenIddictConstants.IdTokenSignedResponseAlgSetting, registration.Metadata.IdTokenSignedResponseAlg);
        AddIfSet(settings, DcrOpenIddictConstants.DisabledAtSetting, registration.DisabledAt?.ToString("O", CultureInfo.InvariantCulture));
        return settings.ToImmutable();
    }

    /// <summary>The redirect URIs: the registered ones.</summary>
    /// <param name="registration">The registration.</param>
    /// <returns>The redirect URIs.</returns>
    public virtual ImmutableArray<string> GetRedirectUris(ClientRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return [.. registration.Metadata.RedirectUris];
    }

    private static void AddIfSet(ImmutableDictionary<string, string>.Builder settings, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            settings[name] = value;
        }
    }
}
