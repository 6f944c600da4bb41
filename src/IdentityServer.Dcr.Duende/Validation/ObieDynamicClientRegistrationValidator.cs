// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using Duende.IdentityServer.Configuration.Models;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;
using Duende.IdentityServer.Configuration.Validation.DynamicClientRegistration;
using Duende.IdentityServer.Models;
using IdentityServer.Dcr.Duende.Logging;
using IdentityServer.Dcr.Duende.Models;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Processing;
using IdentityServer.Dcr.Registration;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Validation;

/// <summary>
/// Duende's <see cref="DynamicClientRegistrationValidator"/> with the OBIE rules of the IdentityServer.Dcr engine.
/// </summary>
/// <remarks>
/// <para>
/// Duende's steps run in Duende's order. <see cref="ValidateSoftwareStatementAsync"/> (Duende's empty hook) runs the whole
/// engine validation on the signed request: body, transport certificate, software statement, certificate binding,
/// request signature and envelope, metadata (and, for an update, that the software and organisation are unchanged).
/// It then fills <see cref="DynamicClientRegistrationContext.Request"/> from the verified claims. The other steps map
/// the metadata the engine decided to register (<see cref="DcrRequestContext.Metadata"/>) onto Duende's
/// <see cref="Client"/>; they never read Duende-specific values (token lifetimes, consent, ...) from the request, so a
/// TPP cannot choose them. Override a step to change how a field is mapped, as with Duende's validator.
/// </para>
/// <para>
/// The request must come through the adapter's endpoints (an <see cref="ObieDynamicClientRegistrationContext"/>);
/// anything else, such as Duende's own JSON endpoint, is refused with <c>invalid_software_statement</c>.
/// </para>
/// </remarks>
public class ObieDynamicClientRegistrationValidator : DynamicClientRegistrationValidator
{

    /// <summary>Creates the validator.</summary>
    /// <param name="validator">The engine's validation (every OBIE rule, in order).</param>
    /// <param name="logger">The logger.</param>
    public ObieDynamicClientRegistrationValidator(IRegistrationValidator validator, ILogger<DynamicClientRegistrationValidator> logger)
        : base(logger)
    {
        Validator = validator;
    }

    /// <summary>The engine's validation.</summary>
    protected IRegistrationValidator Validator { get; }

    /// <summary>
    /// Runs the engine's validation of the signed request, then fills <see cref="DynamicClientRegistrationContext.Request"/>
    /// from its verified claims.
    /// </summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success, or the RFC 7591 error.</returns>
    /// <exception cref="DcrInfrastructureException">A JWKS host or the store is unavailable (answer 503).</exception>
    protected override async Task<IStepResult> ValidateSoftwareStatementAsync(DynamicClientRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context is not ObieDynamicClientRegistrationContext obie)
        {
            Logger.UnsignedRequestRefused();
            return new DynamicClientRegistrationError(
                DcrErrors.InvalidSoftwareStatement,
                DcrErrorDescriptions.SignedRequestRequired);
        }

        var dcr = obie.Dcr;
        var ct = obie.CancellationToken;
        var result = await Validator.ValidateAsync(dcr, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // Logged, audited and raised as an event by the caller (RegistrationRefusals), as every other refusal.
            return ToStepResult(result.Error);
        }

        try
        {
            context.Request = dcr.RequestClaims.Deserialize<DynamicClientRegistrationRequest>() ?? new DynamicClientRegistrationRequest();
        }
        catch (JsonException)
        {
            return new DynamicClientRegistrationError(
                DcrErrors.InvalidClientMetadata,
                DcrErrorDescriptions.ClaimsNotMetadataDocument);
        }

        return new SuccessfulStep();
    }

    /// <summary>
    /// Allowed grant types: the registered <c>grant_types</c>, with <c>authorization_code</c> as Duende's <c>hybrid</c>
    /// when the client registered <c>code id_token</c> (Duende keys the authorize endpoint's response types on the
    /// grant type and cannot hold both on one client; a hybrid client redeems its codes at the token endpoint too);
    /// <c>refresh_token</c> becomes <see cref="Client.AllowOfflineAccess"/>. The authorization journey's settings follow
    /// (<see cref="SetAuthorizationProperties"/>).
    /// </summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetGrantTypesAsync(DynamicClientRegistrationContext context)
    {
        var metadata = GetMetadata(context);
        var hybrid = metadata.ResponseTypes.Any(
            r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).SequenceEqual(["code", "id_token"]));
        foreach (var grantType in metadata.GrantTypes)
        {
            if (string.Equals(grantType, "refresh_token", StringComparison.Ordinal))
            {
                context.Client.AllowOfflineAccess = true;
            }
            else
            {
                context.Client.AllowedGrantTypes.Add(hybrid && grantType == "authorization_code" ? "hybrid" : grantType);
            }
        }

        SetAuthorizationProperties(context.Client);
        return StepResult.Success();
    }

    /// <summary>
    /// The authorization journey's settings, for the engine's rules (<c>ObieAuthorizeRequestValidator</c>) to decide:
    /// a signed request object is required; PKCE is not required by Duende (the engine requires <c>S256</c> for
    /// <c>code</c> and every pushed request, and lets the hybrid flow by value go without, as FAPI 1 Advanced does) and
    /// <c>plain</c> is refused; consent is always asked and never remembered (the customer decides on the intent each
    /// time); pushed authorization is allowed, not required.
    /// </summary>
    /// <param name="client">The Duende client being registered.</param>
    protected virtual void SetAuthorizationProperties(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.RequireRequestObject = true;
        client.RequirePkce = false;
        client.AllowPlainTextPkce = false;
        client.RequireConsent = true;
        client.AllowRememberConsent = false;
        client.RequirePushedAuthorization = false;
        client.AllowAccessTokensViaBrowser = false;
    }

    /// <summary>Redirect URIs: the registered <c>redirect_uris</c> (already checked against the software statement).</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetRedirectUrisAsync(DynamicClientRegistrationContext context)
    {
        foreach (var uri in GetMetadata(context).RedirectUris)
        {
            context.Client.RedirectUris.Add(uri);
        }

        return StepResult.Success();
    }

    /// <summary>Allowed scopes: the registered <c>scope</c> (already limited to what the SSA's roles permit).</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetScopesAsync(DynamicClientRegistrationContext context)
    {
        foreach (var scope in GetMetadata(context).GetScopes())
        {
            context.Client.AllowedScopes.Add(scope);
        }

        return StepResult.Success();
    }

    /// <summary>
    /// Credentials, by registered <c>token_endpoint_auth_method</c>: <c>private_key_jwt</c> gets a
    /// <see cref="ObieSecretTypes.JwksUri"/> secret (the SSA's <c>software_jwks_endpoint</c>); <c>tls_client_auth</c> an
    /// <see cref="ObieSecretTypes.X509SubjectDistinguishedName"/> secret; shared-secret methods get theirs from the
    /// request processor. The method (and signing algorithm), and the request object signing algorithm, are recorded in
    /// <see cref="Client.Properties"/>.
    /// </summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success, or an error when the method's key material is missing.</returns>
    protected override Task<IStepResult> SetSecretsAsync(DynamicClientRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = GetMetadata(context);
        var client = context.Client;
        client.Properties[ObieClientProperties.TokenEndpointAuthMethod] = metadata.TokenEndpointAuthMethod;
        if (metadata.TokenEndpointAuthSigningAlg is { } algorithm)
        {
            client.Properties[ObieClientProperties.TokenEndpointAuthSigningAlg] = algorithm;
        }

        if (metadata.RequestObjectSigningAlg is { } requestObjectAlgorithm)
        {
            client.Properties[ObieClientProperties.RequestObjectSigningAlg] = requestObjectAlgorithm;
        }

        var ssa = ((ObieDynamicClientRegistrationContext)context).Dcr.SoftwareStatement!;
        client.Properties[ObieClientProperties.SoftwareId] = ssa.SoftwareId;
        client.Properties[ObieClientProperties.OrganisationId] = ssa.OrganisationId;

        switch (metadata.TokenEndpointAuthMethod)
        {
            case "private_key_jwt":
                if (metadata.JwksUri is null)
                {
                    return StepResult.Failure("private_key_jwt needs the software statement's software_jwks_endpoint.");
                }

                client.ClientSecrets.Add(
                    new Secret { Type = ObieSecretTypes.JwksUri, Value = metadata.JwksUri, Description = "software_jwks_endpoint" });
                break;
            case "tls_client_auth":
                if (metadata.TlsClientAuthSubjectDn is null)
                {
                    return StepResult.Failure("tls_client_auth needs tls_client_auth_subject_dn.");
                }

                client.ClientSecrets.Add(
                    new Secret
                    {
                        Type = ObieSecretTypes.X509SubjectDistinguishedName,
                        Value = metadata.TlsClientAuthSubjectDn,
                        Description = "tls_client_auth_subject_dn",
                    });
                break;
            default:
                if (!RegistrationProcessor.SecretMethods.Contains(metadata.TokenEndpointAuthMethod))
                {
                    return StepResult.Failure($"token_endpoint_auth_method {metadata.TokenEndpointAuthMethod} is not supported by this server.");
                }

                break;
        }

        return StepResult.Success();
    }

    /// <summary>Client name: the SSA's <c>software_client_name</c>, else the <c>software_id</c>.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetClientNameAsync(DynamicClientRegistrationContext context)
    {
        var ssa = GetSoftwareStatement(context);
        context.Client.ClientName = ReadString(ssa, "software_client_name") ?? ssa.SoftwareId;
        return StepResult.Success();
    }

    /// <summary>OBIE registers no logout parameters: nothing is taken from the request.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetLogoutParametersAsync(DynamicClientRegistrationContext context) => StepResult.Success();

    /// <summary>OBIE registers no <c>default_max_age</c>: nothing is taken from the request.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetMaxAgeAsync(DynamicClientRegistrationContext context) => StepResult.Success();

    /// <summary>Client and logo URIs from the SSA (<c>software_client_uri</c>, <c>software_logo_uri</c>); consent stays the bank's default.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetUserInterfaceProperties(DynamicClientRegistrationContext context)
    {
        var ssa = GetSoftwareStatement(context);
        context.Client.ClientUri = ReadString(ssa, "software_client_uri");
        context.Client.LogoUri = ReadString(ssa, "software_logo_uri");
        return StepResult.Success();
    }

    /// <summary>TPPs are confidential clients: a credential is always required.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetPublicClientProperties(DynamicClientRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Client.RequireClientSecret = true;
        return StepResult.Success();
    }

    /// <summary>Access token type and lifetime are the bank's defaults: nothing is taken from the request.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetAccessTokenProperties(DynamicClientRegistrationContext context) => StepResult.Success();

    /// <summary>ID token signing algorithm: the registered <c>id_token_signed_response_alg</c>.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetIdTokenProperties(DynamicClientRegistrationContext context)
    {
        if (GetMetadata(context).IdTokenSignedResponseAlg is { } algorithm)
        {
            context.Client.AllowedIdentityTokenSigningAlgorithms.Add(algorithm);
        }

        return StepResult.Success();
    }

    /// <summary>Server-side session settings are the bank's defaults: nothing is taken from the request.</summary>
    /// <param name="context">The registration context.</param>
    /// <returns>Success.</returns>
    protected override Task<IStepResult> SetServerSideSessionProperties(DynamicClientRegistrationContext context) => StepResult.Success();

    /// <summary>The metadata the engine decided to register.</summary>
    /// <param name="context">The registration context, after <see cref="ValidateSoftwareStatementAsync"/>.</param>
    /// <returns>The metadata.</returns>
    protected static ClientMetadata GetMetadata(DynamicClientRegistrationContext context)
        => (context as ObieDynamicClientRegistrationContext)?.Dcr.Metadata
            ?? throw new InvalidOperationException("The OBIE steps run only after ValidateSoftwareStatementAsync has succeeded.");

    /// <summary>The verified software statement.</summary>
    /// <param name="context">The registration context, after <see cref="ValidateSoftwareStatementAsync"/>.</param>
    /// <returns>The software statement.</returns>
    protected static SoftwareStatement GetSoftwareStatement(DynamicClientRegistrationContext context)
        => (context as ObieDynamicClientRegistrationContext)?.Dcr.SoftwareStatement
            ?? throw new InvalidOperationException("The OBIE steps run only after ValidateSoftwareStatementAsync has succeeded.");

    private static string? ReadString(SoftwareStatement ssa, string claim)
        => ssa.Claims.ValueKind == JsonValueKind.Object && ssa.Claims.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static DynamicClientRegistrationError ToStepResult(DcrError error) => new(error.Error, error.ErrorDescription);
}
