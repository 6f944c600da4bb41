// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Stores;
using IdentityServer.Dcr.Validation;
using Microsoft.Data.Sqlite;

namespace IdentityServer.Dcr.Host.Development;

/// <summary>
/// The sandbox's account-access-consent endpoint, in the shape of OB Read/Write 3.1 (Development only): a registered
/// TPP creates an intent with a client_credentials token (scope <c>accounts</c>) over mutual TLS, then sends the
/// customer to authorize with <c>openbanking_intent_id</c>. The intents are kept by <see cref="SandboxIntentStore"/>,
/// which is also the hosts' <see cref="IIntentStore"/>.
/// </summary>
/// <remarks>
/// Authentication is that of the management endpoints: a transport certificate that chains to the bank's roots, a
/// bearer token validated by the plug-in's <see cref="IRegistrationAccessTokenValidator"/> (binding included), and the
/// certificate must belong to the token's client's registration. Missing or invalid certificate or token: 401 with
/// <c>WWW-Authenticate: Bearer</c>; no <c>accounts</c> scope: 403 <c>insufficient_scope</c>. Reading an intent of another
/// client answers 403 (OB: a resource of another TPP is forbidden), an unknown ConsentId 400
/// <c>UK.OBIE.Resource.NotFound</c> (OB answers 400 rather than 404 for an unknown resource id).
/// </remarks>
public static partial class SandboxIntentEndpoints
{
    /// <summary>Where the endpoint is mapped.</summary>
    public const string BasePath = "/open-banking/v3.1/aisp/account-access-consents";

    /// <summary>The scope the access token must carry.</summary>
    public const string RequiredScope = "accounts";

    /// <summary>The largest request body accepted, in bytes.</summary>
    public const int MaxBodySize = 16 * 1024;

    /// <summary>The OB correlation header, echoed (or generated) on every response.</summary>
    public const string InteractionIdHeader = "x-fapi-interaction-id";

    /// <summary>The OB Read/Write 3.1 account-access permission codes.</summary>
    public static readonly FrozenSet<string> PermissionCodes = FrozenSet.Create(
        StringComparer.Ordinal,
        "ReadAccountsBasic",
        "ReadAccountsDetail",
        "ReadBalances",
        "ReadBeneficiariesBasic",
        "ReadBeneficiariesDetail",
        "ReadDirectDebits",
        "ReadOffers",
        "ReadPAN",
        "ReadParty",
        "ReadPartyPSU",
        "ReadProducts",
        "ReadScheduledPaymentsBasic",
        "ReadScheduledPaymentsDetail",
        "ReadStandingOrdersBasic",
        "ReadStandingOrdersDetail",
        "ReadStatementsBasic",
        "ReadStatementsDetail",
        "ReadTransactionsBasic",
        "ReadTransactionsCredits",
        "ReadTransactionsDebits",
        "ReadTransactionsDetail");

    /// <summary>
    /// Registers the sandbox intent store (App_Data/sandbox/intents.db) as itself and as <see cref="IIntentStore"/>;
    /// Sandbox:IntentAuthorisationTimeout (default an hour) is how long an intent may await authorisation.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="sandboxDirectory">App_Data/sandbox.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSandboxIntents(this IServiceCollection services, IConfiguration configuration, string sandboxDirectory)
    {
        var timeout = configuration.GetValue<TimeSpan?>("Sandbox:IntentAuthorisationTimeout");
        services.AddSingleton(sp => new SandboxIntentStore(sandboxDirectory, timeout, sp.GetService<TimeProvider>()));
        services.AddSingleton<IIntentStore>(sp => sp.GetRequiredService<SandboxIntentStore>());
        return services;
    }

    /// <summary>Maps <c>POST</c> <see cref="BasePath"/> and <c>GET</c> <see cref="BasePath"/><c>/{ConsentId}</c>.</summary>
    /// <param name="app">The application.</param>
    public static void MapSandboxIntents(this WebApplication app)
    {
        var group = app.MapGroup(BasePath);
        group.MapPost("", (HttpContext context) => RunAsync(context, CreateAsync));
        group.MapGet("/{consentId}", (HttpContext context, string consentId) => RunAsync(context, (c, client) => ReadAsync(c, client, consentId)));
    }

    /// <summary>Interaction id, authentication, and the OB error body for an unavailable store; then the operation.</summary>
    private static async Task RunAsync(HttpContext context, Func<HttpContext, string, Task> operation)
    {
        context.Response.Headers.CacheControl = "no-store";
        var received = context.Request.Headers[InteractionIdHeader];
        var valid = received.Count == 1 && InteractionIdPattern().IsMatch(received[0]!);
        context.Response.Headers[InteractionIdHeader] = valid ? received[0] : Guid.NewGuid().ToString();
        if (received.Count > 0 && !valid)
        {
            await WriteErrorAsync(
                context,
                StatusCodes.Status400BadRequest,
                "The x-fapi-interaction-id header is not valid.",
                new ObError(
                    "UK.OBIE.Header.Invalid",
                    "Send one x-fapi-interaction-id of up to 128 letters, digits, '-', '_', '.' or ':' (an RFC 4122 UUID).",
                    InteractionIdHeader));
            return;
        }

        try
        {
            var clientId = await AuthenticateAsync(context);
            if (clientId is not null)
            {
                await operation(context, clientId);
            }
        }
        catch (Exception exception) when (exception is DcrInfrastructureException or SqliteException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SandboxIntentEndpoints).FullName!)
                .LogError(exception, "The sandbox consent endpoint could not reach a store.");
            context.Response.Headers.RetryAfter = "5";
            await WriteErrorAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                "The service is unavailable; try again later.",
                new ObError("UK.OBIE.UnexpectedError", "A store the bank depends on is unavailable.", null));
        }
    }

    /// <summary>
    /// Mutual TLS, bearer token, certificate of the token's client, <c>accounts</c> scope; the client id, or null once
    /// a 401/403 is written.
    /// </summary>
    private static async Task<string?> AuthenticateAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var ct = context.RequestAborted;
        var certificate = await services.GetRequiredService<IClientCertificateAccessor>().GetClientCertificateAsync(context, ct);
        if (certificate is null)
        {
            await ChallengeAsync(context, StatusCodes.Status401Unauthorized, "invalid_request", "A transport certificate (mutual TLS) is required.");
            return null;
        }

        var transport = services.GetRequiredService<ITransportCertificateValidator>();
        var chain = await transport.ValidateChainAsync(certificate, ct);
        if (!chain.Succeeded)
        {
            await ChallengeAsync(
                context,
                StatusCodes.Status401Unauthorized,
                "invalid_request",
                chain.Error.ErrorDescription ?? "The transport certificate is not trusted.");
            return null;
        }

        var token = ReadBearerToken(context.Request);
        if (token is null)
        {
            await ChallengeAsync(context, StatusCodes.Status401Unauthorized, null, null);
            return null;
        }

        var result = await services.GetRequiredService<IRegistrationAccessTokenValidator>().ValidateAsync(context, token, ct);
        if (!result.Succeeded)
        {
            await ChallengeAsync(context, StatusCodes.Status401Unauthorized, "invalid_token", result.Failure);
            return null;
        }

        // Whatever the token binding: the certificate must be the token's client's own, as for management.
        var registration = await services.GetRequiredService<IClientRegistrationStore>().FindByClientIdAsync(result.ClientId, ct);
        if (registration is null)
        {
            await ChallengeAsync(context, StatusCodes.Status401Unauthorized, "invalid_token", "The client is not registered.");
            return null;
        }

        var binding = await transport.ValidateRegistrationBindingAsync(certificate, registration, ct);
        if (!binding.Succeeded)
        {
            await ChallengeAsync(
                context,
                StatusCodes.Status401Unauthorized,
                "invalid_token",
                binding.Error.ErrorDescription ?? "The certificate is not the client's.");
            return null;
        }

        if (!result.Scopes.Contains(RequiredScope, StringComparer.Ordinal))
        {
            await ChallengeAsync(
                context,
                StatusCodes.Status403Forbidden,
                "insufficient_scope",
                $"The access token must carry the '{RequiredScope}' scope.");
            return null;
        }

        return result.ClientId;
    }

    private static async Task CreateAsync(HttpContext context, string clientId)
    {
        var ct = context.RequestAborted;
        var body = await ReadBodyAsync(context.Request, ct);
        if (body is null)
        {
            await WriteErrorAsync(
                context,
                StatusCodes.Status400BadRequest,
                "The request body is too large.",
                new ObError("UK.OBIE.Resource.InvalidFormat", $"The body must be at most {MaxBodySize} bytes.", null));
            return;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            root = null;
        }

        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var request = ConsentRequest.Validate(root, time.GetUtcNow(), out var errors);
        if (request is null)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The account-access-consent request is not valid.", [.. errors]);
            return;
        }

        var store = context.RequestServices.GetRequiredService<SandboxIntentStore>();
        var intent = await store.CreateAsync(
            clientId,
            request.Permissions,
            request.ExpirationDateTime,
            request.TransactionFromDateTime,
            request.TransactionToDateTime,
            ct);
        var self = SelfLink(context.Request, intent.IntentId);
        context.Response.Headers.Location = self;
        await WriteJsonAsync(context, StatusCodes.Status201Created, ConsentResponse(intent, request.Risk, self));
    }

    private static async Task ReadAsync(HttpContext context, string clientId, string consentId)
    {
        var store = context.RequestServices.GetRequiredService<SandboxIntentStore>();
        var intent = consentId.Length > 128 ? null : await store.GetAsync(consentId, context.RequestAborted);
        if (intent is null)
        {
            await WriteErrorAsync(
                context,
                StatusCodes.Status400BadRequest,
                "The consent does not exist.",
                new ObError("UK.OBIE.Resource.NotFound", "No account-access consent has this ConsentId.", "ConsentId"));
            return;
        }

        if (!string.Equals(intent.ClientId, clientId, StringComparison.Ordinal))
        {
            await WriteErrorAsync(
                context,
                StatusCodes.Status403Forbidden,
                "The consent belongs to another client.",
                new ObError("UK.OBIE.Resource.ConsentMismatch", "The consent was not created by this client.", "ConsentId"));
            return;
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, ConsentResponse(intent, null, SelfLink(context.Request, intent.IntentId)));
    }

    private static JsonObject ConsentResponse(SandboxIntent intent, JsonObject? risk, string self)
    {
        var data = new JsonObject
        {
            ["ConsentId"] = intent.IntentId,
            ["CreationDateTime"] = SandboxIntent.Format(intent.CreatedAt),
            ["Status"] = intent.Status.ToString(),
            ["StatusUpdateDateTime"] = SandboxIntent.Format(intent.StatusUpdatedAt),
            ["Permissions"] = new JsonArray([.. intent.Permissions.Select(p => JsonValue.Create(p))]),
        };
        if (intent.ExpiresAt is { } expires)
        {
            data["ExpirationDateTime"] = SandboxIntent.Format(expires);
        }

        if (intent.TransactionFrom is { } from)
        {
            data["TransactionFromDateTime"] = SandboxIntent.Format(from);
        }

        if (intent.TransactionTo is { } to)
        {
            data["TransactionToDateTime"] = SandboxIntent.Format(to);
        }

        // The sandbox keeps no risk data: the creation echoes the Risk block it received, a read answers it empty.
        return new JsonObject
        {
            ["Data"] = data,
            ["Risk"] = risk?.DeepClone() ?? new JsonObject(),
            ["Links"] = new JsonObject { ["Self"] = self },
            ["Meta"] = new JsonObject { ["TotalPages"] = 1 },
        };
    }

    private static string SelfLink(HttpRequest request, string consentId)
        => $"{request.Scheme}://{request.Host}{request.PathBase}{BasePath}/{Uri.EscapeDataString(consentId)}";

    /// <summary>The body, or null when it is larger than <see cref="MaxBodySize"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is > MaxBodySize)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodySize)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
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

    /// <summary>
    /// RFC 6750: 401 or 403 with <c>WWW-Authenticate: Bearer</c> (no error attribute when no token was sent), and no
    /// body, as OB answers them.
    /// </summary>
    private static Task ChallengeAsync(HttpContext context, int status, string? error, string? description)
    {
        var challenge = new StringBuilder("Bearer");
        if (error is not null)
        {
            challenge.Append(" error=\"").Append(error).Append('"');
            if (description is not null)
            {
                challenge.Append(", error_description=\"").Append(Quoted(description)).Append('"');
            }

            if (error == "insufficient_scope")
            {
                challenge.Append(", scope=\"").Append(RequiredScope).Append('"');
            }
        }

        context.Response.StatusCode = status;
        context.Response.Headers.WWWAuthenticate = challenge.ToString();
        return Task.CompletedTask;
    }

    /// <summary>Printable ASCII only, without quotes or backslashes, for a header's quoted string.</summary>
    private static string Quoted(string text)
        => string.Create(Math.Min(text.Length, 300), text, (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = c is < ' ' or > '~' or '"' or '\\' ? '\'' : c;
            }
        });

    private static Task WriteErrorAsync(HttpContext context, int status, string message, params ObError[] errors)
    {
        var code = status switch
        {
            StatusCodes.Status400BadRequest => "400 BadRequest",
            StatusCodes.Status403Forbidden => "403 Forbidden",
            _ => status + " " + ReasonPhrase(status),
        };
        var body = new JsonObject
        {
            ["Code"] = code,
            ["Id"] = Guid.NewGuid().ToString(),
            ["Message"] = message,
            ["Errors"] = new JsonArray([.. errors.Select(e =>
            {
                var error = new JsonObject { ["ErrorCode"] = e.ErrorCode, ["Message"] = e.Message };
                if (e.Path is not null)
                {
                    error["Path"] = e.Path;
                }

                return (JsonNode)error;
            })]),
        };
        return WriteJsonAsync(context, status, body);
    }

    private static string ReasonPhrase(int status)
        => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status).Replace(" ", "", StringComparison.Ordinal);

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex InteractionIdPattern();

    /// <summary>One entry of an OB error body's <c>Errors</c>.</summary>
    private sealed record ObError(string ErrorCode, string Message, string? Path);

    /// <summary>A validated <c>OBReadConsent1</c>.</summary>
    private sealed record ConsentRequest(
        IReadOnlyList<string> Permissions,
        DateTimeOffset? ExpirationDateTime,
        DateTimeOffset? TransactionFromDateTime,
        DateTimeOffset? TransactionToDateTime,
        JsonObject Risk)
    {
        private const int MaxPermissions = 64;

        /// <summary>The request, or null with every error found.</summary>
        public static ConsentRequest? Validate(JsonNode? root, DateTimeOffset now, out List<ObError> errors)
        {
            errors = [];
            if (root is not JsonObject body)
            {
                errors.Add(
                    new ObError(
                        "UK.OBIE.Resource.InvalidFormat",
                        "The body must be a JSON object: {\"Data\":{\"Permissions\":[...]},\"Risk\":{}}.",
                        null));
                return null;
            }

            var data = body["Data"] as JsonObject;
            if (data is null)
            {
                errors.Add(body.ContainsKey("Data")
                    ? new ObError("UK.OBIE.Field.Invalid", "Data must be an object.", "Data")
                    : new ObError("UK.OBIE.Field.Missing", "Data is required.", "Data"));
            }

            if (body[nameof(Risk)] is not JsonObject risk)
            {
                errors.Add(body.ContainsKey(nameof(Risk))
                    ? new ObError("UK.OBIE.Field.Invalid", "Risk must be an object.", "Risk")
                    : new ObError("UK.OBIE.Field.Missing", "Risk is required (it may be empty: {}).", "Risk"));
                risk = [];
            }

            if (data is null)
            {
                return null;
            }

            var permissions = ReadPermissions(data, errors);
            var expiration = ReadDateTime(data, "ExpirationDateTime", errors);
            var from = ReadDateTime(data, "TransactionFromDateTime", errors);
            var to = ReadDateTime(data, "TransactionToDateTime", errors);
            if (expiration is { } expires && expires <= now)
            {
                errors.Add(new ObError("UK.OBIE.Field.InvalidDate", "ExpirationDateTime must be in the future.", "Data.ExpirationDateTime"));
            }

            if (from is { } start && to is { } end && start > end)
            {
                errors.Add(
                    new ObError(
                        "UK.OBIE.Field.InvalidDate",
                        "TransactionFromDateTime must not be after TransactionToDateTime.",
                        "Data.TransactionFromDateTime"));
            }

            return errors.Count == 0 ? new ConsentRequest(permissions!, expiration, from, to, risk) : null;
        }

        private static List<string>? ReadPermissions(JsonObject data, List<ObError> errors)
        {
            const string Path = "Data.Permissions";
            if (data[nameof(Permissions)] is not JsonArray array)
            {
                errors.Add(data.ContainsKey(nameof(Permissions))
                    ? new ObError("UK.OBIE.Field.Invalid", "Permissions must be an array of OB permission codes.", Path)
                    : new ObError("UK.OBIE.Field.Missing", "Permissions is required.", Path));
                return null;
            }

            if (array.Count is 0 or > MaxPermissions)
            {
                errors.Add(
                    new ObError("UK.OBIE.Field.Invalid", $"Permissions must list between 1 and {PermissionCodes.Count} OB permission codes.", Path));
                return null;
            }

            var permissions = new List<string>();
            foreach (var item in array)
            {
                if (item is JsonValue value && value.TryGetValue<string>(out var code) && PermissionCodes.Contains(code))
                {
                    if (!permissions.Contains(code, StringComparer.Ordinal))
                    {
                        permissions.Add(code);
                    }
                }
                else
                {
                    var shown = item is JsonValue text && text.TryGetValue<string>(out var s) ? $"'{ClientText.Sanitize(s)}'" : "a non-string value";
                    errors.Add(
                        new ObError(
                            "UK.OBIE.Field.Invalid",
                            $"Permissions contains {shown}, which is not an OB permission code (for example ReadAccountsBasic).",
                            Path));
                    return null;
                }
            }

            // OB Read/Write: ReadTransactionsBasic or ReadTransactionsDetail go with ReadTransactionsCredits and/or
            // ReadTransactionsDebits, and the other way round.
            var level = permissions.Contains("ReadTransactionsBasic") || permissions.Contains("ReadTransactionsDetail");
            var direction = permissions.Contains("ReadTransactionsCredits") || permissions.Contains("ReadTransactionsDebits");
            if (level != direction)
            {
                errors.Add(
                    new ObError(
                        "UK.OBIE.Field.Invalid",
                        "ReadTransactionsBasic or ReadTransactionsDetail must be requested together with "
                        + "ReadTransactionsCredits and/or ReadTransactionsDebits.",
                        Path));
                return null;
            }

            return permissions;
        }

        private static DateTimeOffset? ReadDateTime(JsonObject data, string name, List<ObError> errors)
        {
            var node = data[name];
            if (node is null)
            {
                return null;
            }

            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<DateTimeOffset>(out var parsed))
            {
                return parsed;
            }

            errors.Add(
                new ObError(
                    "UK.OBIE.Field.InvalidDate",
                    $"{name} must be an ISO 8601 date-time, such as 2030-01-31T09:30:00+00:00.",
                    "Data." + name));
            return null;
        }
    }
}
