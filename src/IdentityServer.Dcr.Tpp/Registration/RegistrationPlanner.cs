// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Commands;
using IdentityServer.Dcr.Tpp.Keys;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>
/// Chooses the metadata of a registration request, each value from the first source that has one: the command-line
/// option, the client as registered (for an update), the SSA (redirect URIs, scopes from roles), and defaults
/// narrowed to what the bank's discovery document says it supports.
/// </summary>
internal static class RegistrationPlanner
{
    private static readonly string[] DefaultGrantTypes = ["authorization_code", "client_credentials", "refresh_token"];

    public static RegistrationParameters Plan(
        RegisterOptions options,
        TppState state,
        SoftwareKey key,
        string softwareStatement,
        string audience,
        string? transportSubjectDn,
        DiscoveryDocument? discovery,
        JsonObject? registered,
        TppConsole console)
    {
        var ssa = SoftwareStatementInfo.Read(softwareStatement);
        if (ssa.SoftwareId is not null && ssa.SoftwareId != state.SoftwareId)
        {
            throw new TppException($"the SSA is for software_id {ssa.SoftwareId}, but the state's is {state.SoftwareId}.");
        }

        var authMethod = AuthMethods.Normalise(options.AuthMethod ?? Text(registered, "token_endpoint_auth_method") ?? AuthMethods.PrivateKeyJwt);
        WarnIfUnsupported(discovery, "token_endpoint_auth_methods_supported", authMethod, console);
        if (authMethod == AuthMethods.PrivateKeyJwt)
        {
            WarnIfUnsupported(discovery, "token_endpoint_auth_signing_alg_values_supported", key.Algorithm, console);
        }

        if (authMethod == AuthMethods.TlsClientAuth && transportSubjectDn is null)
        {
            throw new TppException(
                "tls_client_auth needs the transport certificate's subject: run 'obie-tpp sandbox enrol' or pass --transport-cert.");
        }

        var grantTypes = options.GrantTypes.Count > 0 ? options.GrantTypes
            : Texts(registered, "grant_types") ?? Narrow(DefaultGrantTypes, discovery?.Supported("grant_types_supported"), "client_credentials");
        var redirectUris = options.RedirectUris.Count > 0 ? options.RedirectUris : Texts(registered, "redirect_uris") ?? ssa.RedirectUris;
        if (redirectUris.Count == 0 && grantTypes.Contains("authorization_code"))
        {
            throw new TppException("no redirect URI: the SSA lists none; pass --redirect-uri URL.");
        }

        var scope = options.Scope ?? Text(registered, "scope")
            ?? string.Join(' ', Narrow(ssa.ScopesFromRoles(), discovery?.Supported("scopes_supported"), "openid"));
        var responseTypes = options.ResponseTypes.Count > 0 ? options.ResponseTypes.ToList() : Texts(registered, "response_types")
            ?? DefaultResponseTypes(discovery?.Supported("response_types_supported"));

        return new RegistrationParameters
        {
            SoftwareId = state.SoftwareId,
            Audience = audience,
            SoftwareStatement = softwareStatement,
            TokenEndpointAuthMethod = authMethod,
            TokenEndpointAuthSigningAlg = authMethod == AuthMethods.PrivateKeyJwt ? key.Algorithm : null,
            TlsClientAuthSubjectDn = authMethod == AuthMethods.TlsClientAuth ? transportSubjectDn : null,
            RedirectUris = redirectUris,
            GrantTypes = grantTypes,
            ResponseTypes = responseTypes,
            Scope = scope,
            ApplicationType = options.ApplicationType ?? Text(registered, "application_type") ?? "web",
            IdTokenSignedResponseAlg = Text(registered, "id_token_signed_response_alg")
                ?? PickAlgorithm(discovery?.Supported("id_token_signing_alg_values_supported"), key.Algorithm),
            RequestObjectSigningAlg = Text(registered, "request_object_signing_alg")
                ?? PickAlgorithm(discovery?.Supported("request_object_signing_alg_values_supported"), key.Algorithm),
        };
    }

    /// <summary><c>code id_token</c> (the OBIE default), or <c>code</c> when the bank lists only that.</summary>
    private static List<string> DefaultResponseTypes(IReadOnlyList<string>? supported)
        => supported is not null && !supported.Contains("code id_token") && supported.Contains("code") ? ["code"] : ["code id_token"];

    /// <summary>The key's algorithm when the bank supports it (or does not say), else PS256 or ES256 if listed.</summary>
    private static string PickAlgorithm(IReadOnlyList<string>? supported, string preferred)
    {
        if (supported is null || supported.Contains(preferred))
        {
            return preferred;
        }

        return supported.FirstOrDefault(a => a is SigningAlgorithms.PS256 or SigningAlgorithms.ES256) ?? preferred;
    }

    /// <summary>The wanted values the bank supports (all of them when it does not say); <paramref name="fallback"/> if none is left.</summary>
    private static List<string> Narrow(IEnumerable<string> wanted, IReadOnlyList<string>? supported, string? fallback)
    {
        var kept = wanted.Where(w => supported is null || supported.Contains(w)).ToList();
        if (kept.Count == 0 && fallback is not null)
        {
            kept.Add(fallback);
        }

        return kept;
    }

    private static void WarnIfUnsupported(DiscoveryDocument? discovery, string list, string value, TppConsole console)
    {
        if (discovery?.Supported(list) is { } supported && !supported.Contains(value))
        {
            console.Warn($"the bank's {list} ({string.Join(", ", supported)}) does not include {value}.");
        }
    }

    private static string? Text(JsonObject? json, string name) => JsonFields.Text(json, name);

    private static List<string>? Texts(JsonObject? json, string name) => JsonFields.Texts(json, name);
}
