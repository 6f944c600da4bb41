// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.DistinguishedNames;
using IdentityServer.Dcr.Tokens;
using IdentityServer.Dcr.Logging;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Validation;

/// <summary>
/// The default <see cref="IClientMetadataValidator"/>. Steps, in order: <see cref="ValidateSoftwareId"/>,
/// <see cref="ValidateGrantTypes"/>, <see cref="ValidateResponseTypes"/>, <see cref="ValidateRedirectUris"/>,
/// <see cref="ValidateTokenEndpointAuthMethod"/>, <see cref="ValidateSubjectDn"/>, <see cref="ValidateScope"/>,
/// <see cref="ValidateApplicationType"/>, <see cref="ValidateSigningAlgorithms"/>, <see cref="ValidateCiba"/>,
/// <see cref="ValidateUriFields"/>. Each reads the request's claims and writes the registered value to the
/// <see cref="ClientMetadata"/> being built.
/// </summary>
public partial class ClientMetadataValidator : IClientMetadataValidator
{
    /// <summary>Creates the validator.</summary>
    /// <param name="options">The engine options.</param>
    /// <param name="logger">The logger.</param>
    public ClientMetadataValidator(IOptionsMonitor<DcrOptions> options, ILogger<ClientMetadataValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Logger = logger;
    }

    /// <summary>The engine options.</summary>
    protected IOptionsMonitor<DcrOptions> Options { get; }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <inheritdoc />
    public Task<DcrStepResult> ValidateAsync(DcrRequestContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = Options.CurrentValue;
        var metadata = new ClientMetadata();

        DcrStepResult result;
        if (!(result = ValidateSoftwareId(context, options, metadata)).Succeeded
            || !(result = ValidateGrantTypes(context, options, metadata)).Succeeded
            || !(result = ValidateResponseTypes(context, options, metadata)).Succeeded
            || !(result = ValidateRedirectUris(context, options, metadata)).Succeeded
            || !(result = ValidateTokenEndpointAuthMethod(context, options, metadata)).Succeeded
            || !(result = ValidateSubjectDn(context, options, metadata)).Succeeded
            || !(result = ValidateScope(context, options, metadata)).Succeeded
            || !(result = ValidateApplicationType(context, options, metadata)).Succeeded
            || !(result = ValidateSigningAlgorithms(context, options, metadata)).Succeeded
            || !(result = ValidateCiba(context, options, metadata)).Succeeded
            || !(result = ValidateUriFields(context, options, metadata)).Succeeded)
        {
            return Task.FromResult(result);
        }

        context.Metadata = metadata;
        return DcrStepResult.SuccessTask;
    }

    /// <summary>
    /// A <c>software_id</c> in the request must be the SSA's; the SSA's <c>software_id</c> and
    /// <c>software_jwks_endpoint</c> are registered.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateSoftwareId(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(metadata);
        var ssa = context.SoftwareStatement!;
        var state = ClaimReader.ReadString(context.RequestClaims, "software_id", out var softwareId);
        if (state == ClaimState.WrongType || (state == ClaimState.Present && !string.Equals(softwareId, ssa.SoftwareId, StringComparison.Ordinal)))
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.SoftwareIdMismatch);
        }

        metadata.SoftwareId = ssa.SoftwareId;
        metadata.JwksUri = ssa.SoftwareJwksEndpoint?.AbsoluteUri;
        return DcrStepResult.Success;
    }

    /// <summary><c>grant_types</c> is required; values must be defined by the specification version and supported by the bank.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateGrantTypes(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var state = ClaimReader.ReadStringArray(context.RequestClaims, "grant_types", out var requested);
        if (state == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.GrantTypesNotStrings);
        }

        if (requested.Count == 0)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.GrantTypesMissing);
        }

        var defined = DcrSpecProfile.GrantTypes(options.SpecVersion);
        var supported = options.Registration.GrantTypes.Where(defined.Contains).ToList();
        return Select(
            requested.Distinct(StringComparer.Ordinal).ToList(),
            supported,
            MetadataField.GrantTypes,
            "grant_types",
            options,
            out var registered)
            is { Succeeded: false } failure ? failure : Set(() => metadata.GrantTypes = registered);
    }

    /// <summary>
    /// <c>response_types</c> default to <see cref="RegistrationOptions.DefaultResponseTypes"/> for clients with the
    /// authorization code grant; they are refused for clients without it.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateResponseTypes(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var state = ClaimReader.ReadStringArray(context.RequestClaims, "response_types", out var requested);
        if (state == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.ResponseTypesNotStrings);
        }

        if (!metadata.GrantTypes.Contains("authorization_code"))
        {
            if (requested.Count > 0)
            {
                return DcrError.InvalidClientMetadata(DcrErrorDescriptions.ResponseTypesWithoutAuthorizationCode);
            }

            metadata.ResponseTypes = [];
            return DcrStepResult.Success;
        }

        if (requested.Count == 0)
        {
            metadata.ResponseTypes = [.. options.Registration.DefaultResponseTypes];
            return DcrStepResult.Success;
        }

        var normalised = requested.Select(DcrSpecProfile.NormaliseResponseType).Distinct(StringComparer.Ordinal).ToList();
        var supported = options.Registration.ResponseTypes.Select(DcrSpecProfile.NormaliseResponseType)
            .Where(DcrSpecProfile.ResponseTypes.Contains).ToList();
        return Select(normalised, supported, MetadataField.ResponseTypes, "response_types", options, out var registered)
            is { Succeeded: false } failure ? failure : Set(() => metadata.ResponseTypes = registered);
    }

    /// <summary>
    /// <c>redirect_uris</c>: absent means all of the SSA's <c>software_redirect_uris</c>. Each must be an absolute
    /// <c>https</c> URI as RFC 3986 writes it (no control characters, spaces, fragment or user information; see
    /// <see cref="UriRules"/>) of at most 256 characters, not on <c>localhost</c>, and listed in the SSA, checked in
    /// that order: the SSA listing a URI does not make it valid.
    /// At least one is required for the authorization code grant. Failures are <c>invalid_redirect_uri</c>.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateRedirectUris(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var ssa = context.SoftwareStatement!;
        var state = ClaimReader.ReadStringArray(context.RequestClaims, "redirect_uris", out var requested);
        if (state == ClaimState.WrongType)
        {
            return DcrError.InvalidRedirectUri(DcrErrorDescriptions.RedirectUrisNotStrings);
        }

        var candidates = state == ClaimState.Absent ? ssa.SoftwareRedirectUris : requested;
        var substitute = options.Registration.HandlingFor(MetadataField.RedirectUris) == UnsupportedValueHandling.Substitute;
        var registered = new List<string>();
        foreach (var uri in candidates.Distinct(StringComparer.Ordinal))
        {
            var problem = CheckRedirectUri(uri, ssa, options.Registration);
            if (problem is null)
            {
                registered.Add(uri);
            }
            else if (!substitute)
            {
                return DcrError.InvalidRedirectUri(DcrErrorDescriptions.RedirectUriInvalid(uri, problem));
            }
        }

        if (registered.Count == 0 && metadata.GrantTypes.Contains("authorization_code"))
        {
            return DcrError.InvalidRedirectUri(DcrErrorDescriptions.RedirectUriRequired);
        }

        metadata.RedirectUris = registered;
        return DcrStepResult.Success;
    }

    /// <summary>
    /// <c>token_endpoint_auth_method</c> is required and must be supported. <c>private_key_jwt</c> and
    /// <c>client_secret_jwt</c> need a supported <c>token_endpoint_auth_signing_alg</c>. The subject DN of
    /// <c>tls_client_auth</c> is the next step, <see cref="ValidateSubjectDn"/>.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateTokenEndpointAuthMethod(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var claims = context.RequestClaims;
        var registration = options.Registration;
        var state = ClaimReader.ReadString(claims, "token_endpoint_auth_method", out var method);
        if (state != ClaimState.Present || string.IsNullOrEmpty(method))
        {
            return DcrError.InvalidClientMetadata(state == ClaimState.WrongType
                ? DcrErrorDescriptions.TokenEndpointAuthMethodNotString
                : DcrErrorDescriptions.TokenEndpointAuthMethodMissing);
        }

        if (!registration.TokenEndpointAuthMethods.Contains(method) || !DcrSpecProfile.TokenEndpointAuthMethods.Contains(method))
        {
            if (registration.HandlingFor(MetadataField.TokenEndpointAuthMethod) == UnsupportedValueHandling.Reject)
            {
                return Unsupported("token_endpoint_auth_method", method, registration.TokenEndpointAuthMethods);
            }

            // tls_client_auth cannot be substituted in: it needs a subject DN the TPP did not send.
            method = registration.TokenEndpointAuthMethods.FirstOrDefault(m => m != "tls_client_auth");
            if (method is null)
            {
                return Unsupported("token_endpoint_auth_method", "(requested)", registration.TokenEndpointAuthMethods);
            }
        }

        metadata.TokenEndpointAuthMethod = method;

        var algState = ClaimReader.ReadString(claims, "token_endpoint_auth_signing_alg", out var alg);
        if (algState == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.TokenEndpointAuthSigningAlgNotString);
        }

        if (method is "private_key_jwt" or "client_secret_jwt")
        {
            if (string.IsNullOrEmpty(alg))
            {
                return DcrError.InvalidClientMetadata(DcrErrorDescriptions.SigningAlgRequired(method));
            }

            if (!registration.TokenEndpointAuthSigningAlgorithms.Contains(alg))
            {
                if (registration.HandlingFor(MetadataField.TokenEndpointAuthSigningAlg) == UnsupportedValueHandling.Reject)
                {
                    return Unsupported("token_endpoint_auth_signing_alg", alg, registration.TokenEndpointAuthSigningAlgorithms);
                }

                alg = registration.TokenEndpointAuthSigningAlgorithms[0];
            }

            metadata.TokenEndpointAuthSigningAlg = alg;
        }

        return DcrStepResult.Success;
    }

    /// <summary>
    /// <c>tls_client_auth_subject_dn</c>: required exactly for <c>tls_client_auth</c> (no other method may carry
    /// one), at most the specification's length, a distinguished name (RFC 4514) and, by default
    /// (<see cref="RegistrationOptions.RequireSubjectDnOfPresentedCertificate"/>), the subject of the presented
    /// transport certificate.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateSubjectDn(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var state = ClaimReader.ReadString(context.RequestClaims, "tls_client_auth_subject_dn", out var subjectDn);
        if (state == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.SubjectDnNotString);
        }

        if (metadata.TokenEndpointAuthMethod != "tls_client_auth")
        {
            return state == ClaimState.Present
                ? DcrError.InvalidClientMetadata(DcrErrorDescriptions.SubjectDnWithoutTlsClientAuth)
                : DcrStepResult.Success;
        }

        if (string.IsNullOrWhiteSpace(subjectDn))
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.SubjectDnRequired);
        }

        var maxLength = DcrSpecProfile.MaxSubjectDnLength(options.SpecVersion);
        if (subjectDn.Length > maxLength)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.SubjectDnTooLong(maxLength));
        }

        if (!DistinguishedName.TryParse(subjectDn, out var parsed))
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.SubjectDnNotDistinguishedName);
        }

        var certificate = context.Request.ClientCertificate;
        if (options.Registration.RequireSubjectDnOfPresentedCertificate && certificate is not null
            && !parsed.Matches(DistinguishedName.FromX500(certificate.SubjectName)))
        {
            Logger.SubjectDnMismatch(context.SoftwareStatement!.SoftwareId, certificate.Thumbprint);
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.SubjectDnNotOfCertificate);
        }

        metadata.TlsClientAuthSubjectDn = subjectDn;
        return DcrStepResult.Success;
    }

    /// <summary>
    /// <c>scope</c>: absent means every scope the SSA's <c>software_roles</c> permit (<see cref="RegistrationOptions.RoleScopes"/>);
    /// requested scopes must be permitted.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateScope(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var registration = options.Registration;
        var permitted = new List<string>(registration.ScopesForAllRoles);
        foreach (var role in context.SoftwareStatement!.SoftwareRoles)
        {
            if (registration.RoleScopes.TryGetValue(role, out var scopes))
            {
                permitted.AddRange(scopes.Where(s => !permitted.Contains(s)));
            }
        }

        var state = ClaimReader.ReadString(context.RequestClaims, "scope", out var scope);
        if (state == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.ScopeNotString);
        }

        if (string.IsNullOrWhiteSpace(scope))
        {
            metadata.Scope = string.Join(' ', permitted);
            return DcrStepResult.Success;
        }

        if (scope.Length > DcrSpecProfile.MaxScopeLength)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.ScopeTooLong(DcrSpecProfile.MaxScopeLength));
        }

        var requested = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        var result = Select(
            requested,
            permitted,
            MetadataField.Scope,
            "scope",
            options,
            out var registered,
            DcrErrorDescriptions.ScopeNotPermittedReason);
        if (!result.Succeeded)
        {
            return result;
        }

        metadata.Scope = string.Join(' ', registered);
        return DcrStepResult.Success;
    }

    /// <summary><c>application_type</c>: <c>web</c> by default; <c>mobile</c> (3.2, 3.3) or <c>native</c> (3.4) otherwise.</summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateApplicationType(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var state = ClaimReader.ReadString(context.RequestClaims, "application_type", out var type);
        if (state == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.ApplicationTypeNotString);
        }

        var defined = DcrSpecProfile.ApplicationTypes(options.SpecVersion);
        type ??= "web";
        if (!defined.Contains(type))
        {
            if (options.Registration.HandlingFor(MetadataField.ApplicationType) == UnsupportedValueHandling.Reject)
            {
                return Unsupported("application_type", type, defined);
            }

            type = "web";
        }

        metadata.ApplicationType = type;
        return DcrStepResult.Success;
    }

    /// <summary>
    /// <c>id_token_signed_response_alg</c> and <c>request_object_signing_alg</c>: supported values; the first supported
    /// one when absent.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateSigningAlgorithms(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var registration = options.Registration;
        var result = SelectAlgorithm(
            context,
            "id_token_signed_response_alg",
            registration.IdTokenSigningAlgorithms,
            MetadataField.IdTokenSignedResponseAlg,
            registration,
            out var idTokenAlg);
        if (!result.Succeeded)
        {
            return result;
        }

        result = SelectAlgorithm(
            context,
            "request_object_signing_alg",
            registration.RequestObjectSigningAlgorithms,
            MetadataField.RequestObjectSigningAlg,
            registration,
            out var requestObjectAlg);
        if (!result.Succeeded)
        {
            return result;
        }

        metadata.IdTokenSignedResponseAlg = idTokenAlg;
        metadata.RequestObjectSigningAlg = requestObjectAlg;
        return DcrStepResult.Success;
    }

    /// <summary>
    /// CIBA metadata (3.3+): with the CIBA grant, <c>backchannel_token_delivery_mode</c> (poll or ping) and
    /// <c>backchannel_authentication_request_signing_alg</c> are required, <c>backchannel_client_notification_endpoint</c>
    /// is required (HTTPS) unless the mode is poll, and <c>backchannel_user_code_parameter_supported</c> may only be false.
    /// Without the CIBA grant none of them may be sent.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateCiba(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        var claims = context.RequestClaims;
        var modeState = ClaimReader.ReadString(claims, "backchannel_token_delivery_mode", out var mode);
        var endpointState = ClaimReader.ReadString(claims, "backchannel_client_notification_endpoint", out var endpoint);
        var algState = ClaimReader.ReadString(claims, "backchannel_authentication_request_signing_alg", out var alg);
        var userCodeState = ClaimReader.ReadBoolean(claims, "backchannel_user_code_parameter_supported", out var userCode);
        if (modeState == ClaimState.WrongType
            || endpointState == ClaimState.WrongType
            || algState == ClaimState.WrongType
            || userCodeState == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CibaClaimWrongType);
        }

        var anyCiba = modeState == ClaimState.Present
            || endpointState == ClaimState.Present
            || algState == ClaimState.Present
            || userCodeState == ClaimState.Present;
        if (!metadata.GrantTypes.Contains(DcrSpecProfile.CibaGrantType))
        {
            return anyCiba
                ? DcrError.InvalidClientMetadata(DcrErrorDescriptions.CibaWithoutCibaGrant)
                : DcrStepResult.Success;
        }

        var registration = options.Registration;
        if (string.IsNullOrEmpty(mode) || !registration.BackchannelTokenDeliveryModes.Contains(mode))
        {
            return DcrError.InvalidClientMetadata(
                DcrErrorDescriptions.CibaDeliveryModeNotSupported(registration.BackchannelTokenDeliveryModes));
        }

        if (mode != "poll")
        {
            if (string.IsNullOrEmpty(endpoint) || endpoint.Length > DcrSpecProfile.MaxNotificationEndpointLength
                || UriRules.CheckAbsoluteHttps(endpoint, allowHttp: false, out _) is not null)
            {
                return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CibaNotificationEndpointInvalid(mode));
            }

            metadata.BackchannelClientNotificationEndpoint = endpoint;
        }

        if (string.IsNullOrEmpty(alg) || !registration.BackchannelAuthenticationRequestSigningAlgorithms.Contains(alg))
        {
            return DcrError.InvalidClientMetadata(
                DcrErrorDescriptions.CibaSigningAlgNotSupported(registration.BackchannelAuthenticationRequestSigningAlgorithms));
        }

        if (userCodeState == ClaimState.Present && userCode)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.CibaUserCodeNotFalse);
        }

        metadata.BackchannelTokenDeliveryMode = mode;
        metadata.BackchannelAuthenticationRequestSigningAlg = alg;
        metadata.BackchannelUserCodeParameterSupported = userCodeState == ClaimState.Present ? false : null;
        return DcrStepResult.Success;
    }

    /// <summary>
    /// The request's other URI-valued metadata (RFC 7591 §2: <c>client_uri</c>, <c>logo_uri</c>, <c>policy_uri</c>,
    /// <c>tos_uri</c>, <c>jwks_uri</c>, <c>initiate_login_uri</c>, <c>sector_identifier_uri</c>, <c>request_uris</c>),
    /// when present, must be absolute <c>https</c> URIs by <see cref="UriRules"/>; otherwise
    /// <c>invalid_client_metadata</c>. They are not registered (the SSA's values are the TPP's), but a request that
    /// carries a malformed one is malformed.
    /// </summary>
    /// <param name="context">The request context.</param>
    /// <param name="options">The engine options.</param>
    /// <param name="metadata">The metadata being built.</param>
    /// <returns>Success, or the error to return.</returns>
    protected virtual DcrStepResult ValidateUriFields(DcrRequestContext context, DcrOptions options, ClientMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var name in RequestUriFields)
        {
            if (!context.RequestClaims.TryGetProperty(name, out var value))
            {
                continue;
            }

            var values = value.ValueKind == System.Text.Json.JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
            foreach (var item in values)
            {
                if (item.ValueKind != System.Text.Json.JsonValueKind.String)
                {
                    return DcrError.InvalidClientMetadata(DcrErrorDescriptions.MetadataClaimNotString(name));
                }

                if (UriRules.CheckAbsoluteHttps(item.GetString()!, allowHttp: false, out _) is { } problem)
                {
                    return DcrError.InvalidClientMetadata(DcrErrorDescriptions.MetadataUriInvalid(name, item.GetString(), problem));
                }
            }
        }

        return DcrStepResult.Success;
    }

    private static readonly string[] RequestUriFields =
        ["client_uri", "logo_uri", "policy_uri", "tos_uri", "jwks_uri", "initiate_login_uri", "sector_identifier_uri", "request_uris"];

    /// <summary>Why a redirect URI is not acceptable, or <see langword="null"/>.</summary>
    /// <param name="uri">The URI.</param>
    /// <param name="softwareStatement">The SSA, whose <c>software_redirect_uris</c> bound the choice.</param>
    /// <param name="options">The registration options.</param>
    /// <returns>The problem, phrased to follow "The redirect URI 'x' ".</returns>
    protected virtual string? CheckRedirectUri(string uri, SoftwareStatement softwareStatement, RegistrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(softwareStatement);
        ArgumentNullException.ThrowIfNull(options);
        if (uri.Length > DcrSpecProfile.MaxRedirectUriLength)
        {
            return DcrErrorDescriptions.UriTooLong(DcrSpecProfile.MaxRedirectUriLength);
        }

        if (UriRules.CheckAbsoluteHttps(uri, allowHttp: false, out var parsed) is { } syntax)
        {
            return syntax;
        }

        if (!UriHosts.TryGetIdnHost(parsed!, out var idnHost))
        {
            return DcrErrorDescriptions.UriHostNotIdn;
        }

        if (!options.AllowLoopbackRedirectUris && IsLoopback(idnHost))
        {
            return DcrErrorDescriptions.UriIsLoopback;
        }

        if (softwareStatement.SoftwareRedirectUris.Count > 0 && !softwareStatement.SoftwareRedirectUris.Contains(uri, StringComparer.Ordinal))
        {
            return DcrErrorDescriptions.UriNotInSoftwareStatement;
        }

        return null;
    }

    private static bool IsLoopback(string idnHost)
    {
        var host = idnHost.TrimEnd('.');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address)
            && (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
                || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4())));
    }

    private static DcrStepResult Set(Action assign)
    {
        assign();
        return DcrStepResult.Success;
    }

    private static DcrError Unsupported(string claim, string value, IEnumerable<string> supported)
        => DcrError.InvalidClientMetadata(DcrErrorDescriptions.ValueNotSupported(claim, value, supported));

    private static DcrStepResult Select(
        List<string> requested,
        IReadOnlyCollection<string> supported,
        MetadataField field,
        string claim,
        DcrOptions options,
        out IReadOnlyList<string> registered,
        string refusal = DcrErrorDescriptions.ValueNotSupportedReason)
    {
        var accepted = requested.Where(supported.Contains).ToList();
        registered = accepted;
        if (accepted.Count == requested.Count)
        {
            return DcrStepResult.Success;
        }

        var rejected = requested.First(r => !supported.Contains(r));
        if (options.Registration.HandlingFor(field) == UnsupportedValueHandling.Reject || accepted.Count == 0)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.ValueRefused(claim, rejected, refusal, supported));
        }

        return DcrStepResult.Success;
    }

    private static DcrStepResult SelectAlgorithm(
        DcrRequestContext context,
        string claim,
        IList<string> supported,
        MetadataField field,
        RegistrationOptions options,
        out string? selected)
    {
        selected = null;
        var state = ClaimReader.ReadString(context.RequestClaims, claim, out var alg);
        if (state == ClaimState.WrongType)
        {
            return DcrError.InvalidClientMetadata(DcrErrorDescriptions.MetadataClaimNotString(claim));
        }

        if (string.IsNullOrEmpty(alg))
        {
            selected = supported.FirstOrDefault();
            return DcrStepResult.Success;
        }

        if (supported.Contains(alg))
        {
            selected = alg;
            return DcrStepResult.Success;
        }

        if (options.HandlingFor(field) == UnsupportedValueHandling.Reject || supported.Count == 0)
        {
            return Unsupported(claim, alg, supported);
        }

        selected = supported[0];
        return DcrStepResult.Success;
    }
}
