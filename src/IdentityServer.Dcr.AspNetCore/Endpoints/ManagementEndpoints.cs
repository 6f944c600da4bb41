// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Logging;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Models;
using IdentityServer.Dcr.Registration;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.AspNetCore.Endpoints;

/// <summary>
/// <c>GET</c>, <c>PUT</c> and <c>DELETE {registration_endpoint}/{ClientId}</c> (and, before 3.4, <c>POST</c> as read):
/// mutual TLS plus a bearer access token of the same client. Missing or invalid token: 401 with
/// <c>WWW-Authenticate: Bearer</c>; another client's token: 403 (or 401); unknown client: 401 and the token is revoked.
/// </summary>
internal static class ManagementEndpoints
{
    public enum Operation
    {
        Read,
        LegacyPostRead,
        Update,
        Delete,
    }

    public static async Task HandleAsync(HttpContext context, string clientId, Operation operation)
    {
        var name = operation switch { Operation.Update => "update", Operation.Delete => "delete", _ => "read" };
        var outcome = "unavailable";
        try
        {
            await HandleCoreAsync(context, clientId, operation).ConfigureAwait(false);
            outcome = context.Response.StatusCode switch
            {
                < 300 => "success",
                401 or 403 => "unauthorized",
                404 or 405 => "not_found",
                503 => "unavailable",
                _ => "rejected",
            };
        }
        finally
        {
            DcrManagementTelemetry.Requests.Add(1, new System.Diagnostics.TagList { { "dcr.operation", name }, { "dcr.outcome", outcome } });
        }
    }

    private static async Task HandleCoreAsync(HttpContext context, string clientId, Operation operation)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ManagementEndpoints).FullName!);
        var validator = services.GetService<IRegistrationAccessTokenValidator>();
        var ct = context.RequestAborted;

        if (validator is null || !IsEnabled(options, operation))
        {
            context.Response.Headers.Allow = string.Join(", ", AllowedMethods(options, validator is not null));
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        try
        {
            // Mutual TLS: a trusted transport certificate, as for registration.
            var accessor = services.GetService<IClientCertificateAccessor>()
                ?? ActivatorUtilities.CreateInstance<ClientCertificateAccessor>(services);
            var certificate = await accessor.GetClientCertificateAsync(context, ct).ConfigureAwait(false);
            var transport = services.GetRequiredService<ITransportCertificateValidator>();
            var certificateCheck = await transport.ValidateCertificateAsync(
                new DcrRequestContext(new DcrRequest(null, ReadOnlyMemory<byte>.Empty, certificate)),
                ct).ConfigureAwait(false);
            if (!certificateCheck.Succeeded)
            {
                await ChallengeAsync(context, null, certificateCheck.Error.ErrorDescription).ConfigureAwait(false);
                return;
            }

            var token = ReadBearerToken(context.Request);
            if (token is null)
            {
                await ChallengeAsync(context, null, DcrErrorDescriptions.ManagementTokenRequired).ConfigureAwait(false);
                return;
            }

            var tokenResult = await validator.ValidateAsync(context, token, ct).ConfigureAwait(false);
            if (!tokenResult.Succeeded)
            {
                logger.ManagementTokenRejected(tokenResult.Failure);
                await ChallengeAsync(context, "invalid_token", tokenResult.Failure).ConfigureAwait(false);
                return;
            }

            var store = services.GetRequiredService<IClientRegistrationStore>();
            var registration = await store.FindByClientIdAsync(clientId, ct).ConfigureAwait(false);
            if (registration is null)
            {
                // The specification: an unknown ClientId answers 401 and the presented token is revoked at once. The
                // token was validated above; revoking it does not validate it again, and only a revocation that took
                // place is reported as one.
                logger.ManagementUnknownClient(tokenResult.ClientId);
                var revoked = services.GetService<IClientTokenRevoker>() is { } revoker
                    && await revoker.RevokeTokenAsync(tokenResult, token, ct).ConfigureAwait(false);
                if (!revoked)
                {
                    logger.ManagementTokenNotRevoked(tokenResult.ClientId);
                }

                await ChallengeAsync(context, "invalid_token", revoked
                    ? DcrErrorDescriptions.ClientNotRegisteredTokenRevoked
                    : DcrErrorDescriptions.ClientNotRegistered).ConfigureAwait(false);
                return;
            }

            if (!string.Equals(tokenResult.ClientId, clientId, StringComparison.Ordinal))
            {
                logger.ManagementForeignClient(tokenResult.ClientId, ClientText.Sanitize(clientId));
                if (options.Management.ForeignClientStatusCode == StatusCodes.Status401Unauthorized)
                {
                    await ChallengeAsync(context, "invalid_token", DcrErrorDescriptions.TokenNotForClient).ConfigureAwait(false);
                }
                else
                {
                    await DcrHttp.WriteErrorAsync(
                        context,
                        StatusCodes.Status403Forbidden,
                        new DcrError("insufficient_scope", DcrErrorDescriptions.TokenNotForClient)).ConfigureAwait(false);
                }

                return;
            }

            // A disabled client's tokens are revoked when it is disabled; one that slipped through (a self-contained token
            // a server cannot revoke) still manages nothing.
            if (registration.IsDisabled)
            {
                logger.ManagementClientDisabled(clientId);
                await ChallengeAsync(context, "invalid_token", DcrError.ClientDisabled("invalid_token").ErrorDescription).ConfigureAwait(false);
                return;
            }

            // Whatever the token binding: the certificate must be the client's own, so a leaked token cannot be used
            // with another TPP's certificate.
            var binding = certificate is null
                ? DcrStepResult.Failure(DcrError.CertificateMissing())
                : await transport.ValidateRegistrationBindingAsync(certificate, registration, ct).ConfigureAwait(false);
            if (!binding.Succeeded)
            {
                logger.ManagementCertificateNotOfClient(clientId);
                await ChallengeAsync(context, "invalid_token", binding.Error.ErrorDescription).ConfigureAwait(false);
                return;
            }

            await ExecuteAsync(context, registration, certificate, operation, services, options, ct).ConfigureAwait(false);
        }
        catch (DcrInfrastructureException exception)
        {
            logger.DependencyUnavailable(exception);
            await DcrHttp.WriteUnavailableAsync(context).ConfigureAwait(false);
        }
    }

    // The registration and the certificate as checked above: read and checked once per call.
    private static async Task ExecuteAsync(
        HttpContext context,
        ClientRegistration registration,
        X509Certificate2? certificate,
        Operation operation,
        IServiceProvider services,
        DcrOptions options,
        CancellationToken ct)
    {
        var registrations = services.GetRequiredService<IRegistrationService>();
        switch (operation)
        {
            case Operation.Read:
            case Operation.LegacyPostRead:
                var body = await registrations.GetAsync(registration, ct).ConfigureAwait(false);
                if (body is null)
                {
                    await ChallengeAsync(context, "invalid_token", DcrErrorDescriptions.ClientNotRegistered).ConfigureAwait(false);
                    return;
                }

                await DcrHttp.WriteJsonAsync(context, StatusCodes.Status200OK, body).ConfigureAwait(false);
                return;

            case Operation.Update:
                var limit = options.RequestObject.MaxBodySize;
                var requestBody = await DcrHttp.ReadBodyAsync(context.Request, limit, ct).ConfigureAwait(false);
                if (requestBody is null)
                {
                    await DcrHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, DcrError.BodyTooLarge(limit)).ConfigureAwait(false);
                    return;
                }

                var result = await registrations.UpdateAsync(
                    registration,
                    new DcrRequest(context.Request.ContentType, requestBody.Value, certificate),
                    ct).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    await DcrHttp.WriteJsonAsync(context, StatusCodes.Status200OK, result.Value).ConfigureAwait(false);
                }
                else
                {
                    await DcrHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, result.Error).ConfigureAwait(false);
                }

                return;

            case Operation.Delete:
                var administration = services.GetService<RegistrationAdministration>()
                    ?? ActivatorUtilities.CreateInstance<RegistrationAdministration>(services);
                await administration.DeleteAsync(registration.ClientId, actor: null, ct).ConfigureAwait(false);

                context.Response.StatusCode = StatusCodes.Status204NoContent;
                context.Response.Headers.CacheControl = "no-store";
                return;
        }
    }

    internal static bool IsEnabled(DcrOptions options, Operation operation) => operation switch
    {
        Operation.Read => options.Management.EnableRead,
        Operation.LegacyPostRead
            => options.Management.EnableRead && options.Management.EnableLegacyPostRead && options.SpecVersion < DcrSpecVersion.Version34,
        Operation.Update => options.Management.EnableUpdate,
        _ => options.Management.EnableDelete,
    };

    private static IEnumerable<string> AllowedMethods(DcrOptions options, bool available)
    {
        if (!available)
        {
            yield break;
        }

        if (IsEnabled(options, Operation.Read))
        {
            yield return HttpMethods.Get;
        }

        if (IsEnabled(options, Operation.LegacyPostRead))
        {
            yield return HttpMethods.Post;
        }

        if (IsEnabled(options, Operation.Update))
        {
            yield return HttpMethods.Put;
        }

        if (IsEnabled(options, Operation.Delete))
        {
            yield return HttpMethods.Delete;
        }
    }

    private static string? ReadBearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 || token.Length > 16 * 1024 ? null : token;
    }

    private static Task ChallengeAsync(HttpContext context, string? error, string description)
    {
        // RFC 6750 section 3: no error attribute when the request carried no token at all.
        var challenge = error is null
            ? "Bearer"
            : $"Bearer error=\"{error}\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        context.Response.Headers.WWWAuthenticate = challenge;
        return DcrHttp.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, new DcrError(error ?? "invalid_request", description));
    }

}
