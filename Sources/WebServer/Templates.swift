import Foundation

/// The pages' mustache templates, compiled into the binary: an installed `loyalgate` (the
/// Debian package ships one file) has no resource bundle beside it, as with the printer
/// profiles. `{{t.key_name}}` is the catalog's `key.name`; `{{...}}` escapes HTML.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "dashboard": dashboard, "customers": customers,
        "customer-form": customerForm, "customer": customer, "erase": erase, "card": card, "error": error,
        "audit": audit, "programs": programs, "exports": exports, "till": till,
        "rewards": rewards, "board": board, "batches": batches,
        "campaigns": campaigns, "draws": draws, "draw": draw,
        "holder-frame": holderFrame, "holder": holder, "holder-refused": holderRefused, "widget": widget,
        "holder-note": holderNote, "holder-open": holderOpen, "holder-me": holderMe, "unsubscribe": unsubscribe,
        "statistics": statistics, "segments": segments, "segment": segment,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}{{t.app_name}}{{/title}}</title>
        <link rel="stylesheet" href="/static/style.css">
        {{#refreshSeconds}}<meta http-equiv="refresh" content="{{.}}">{{/refreshSeconds}}
        </head>
        <body>
        <header>
        <span class="brand">{{t.app_name}}</span>
        {{#session}}
        <nav>
        <a href="/">{{t.nav_dashboard}}</a>
        <a href="/customers">{{t.nav_customers}}</a>
        <a href="/till" id="till-link">{{t.nav_till}}</a>
        <a href="/programs">{{t.nav_programs}}</a>
        <a href="/rewards" id="rewards-link">{{t.nav_rewards}}</a>
        {{#mayBatches}}<a href="/batches" id="batches-link">{{t.nav_batches}}</a>{{/mayBatches}}
        {{#mayCampaigns}}<a href="/campaigns" id="campaigns-link">{{t.nav_campaigns}}</a>
        <a href="/draws" id="draws-link">{{t.nav_draws}}</a>{{/mayCampaigns}}
        {{#mayExport}}<a href="/exports" id="exports-link">{{t.nav_exports}}</a>{{/mayExport}}
        {{#mayStatistics}}<a href="/statistics" id="statistics-link">{{t.nav_statistics}}</a>{{/mayStatistics}}
        {{#maySegments}}<a href="/segments" id="segments-link">{{t.nav_segments}}</a>{{/maySegments}}
        {{#mayAudit}}<a href="/audit" id="audit-link">{{t.nav_audit}}</a>{{/mayAudit}}
        </nav>
        {{#switchable}}
        <form method="post" action="/merchant" class="logout">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <select name="merchant" aria-label="{{t.nav_merchant}}">{{#merchants}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{code}}</option>{{/merchants}}</select>
        <button type="submit">{{t.nav_switch}}</button>
        </form>
        {{/switchable}}
        <form method="post" action="/logout" class="logout">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <span class="who" id="who">{{signedInAs}}</span>
        <button type="submit">{{t.nav_logout}}</button>
        </form>
        {{/session}}
        </header>
        <main>
        {{#notice}}<p class="notice" id="notice">{{.}}</p>{{/notice}}
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}
        {{$title}}{{t.login_title}}{{/title}}
        {{$content}}
        <h1>{{t.login_title}}</h1>
        {{#failure}}<p class="error" id="login-error">{{.}}</p>{{/failure}}
        <form method="post" action="/login" class="card-form">
        <input type="hidden" name="_csrf" value="{{loginToken}}">
        <label for="user">{{t.login_user}}</label>
        <input id="user" name="user" autocomplete="username" required value="{{user}}">
        <label for="password">{{t.login_password}}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit" id="sign-in">{{t.login_submit}}</button>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let dashboard = """
        {{<layout}}
        {{$title}}{{t.dashboard_title}}{{/title}}
        {{$content}}
        <h1>{{t.dashboard_title}}</h1>
        <dl class="facts">
        <dt>{{t.dashboard_merchant}}</dt><dd id="merchant">{{merchantName}} ({{merchantCode}})</dd>
        <dt>{{t.dashboard_currency}}</dt><dd>{{currency}}</dd>
        {{#cardPrefix}}<dt>{{t.dashboard_cardPrefix}}</dt><dd>{{.}}</dd>{{/cardPrefix}}
        <dt>{{t.dashboard_version}}</dt><dd>{{version}}</dd>
        </dl>
        <table id="figures">
        <thead><tr><th></th><th>{{t.dashboard_today}}</th><th>{{t.dashboard_month}}</th></tr></thead>
        <tbody>
        <tr><th>{{t.dashboard_earns}}</th><td class="num" id="earns-today">{{today.earns}}</td><td class="num">{{month.earns}}</td></tr>
        <tr><th>{{t.dashboard_pointsEarned}}</th><td class="num">{{today.pointsEarned}}</td><td class="num">{{month.pointsEarned}}</td></tr>
        <tr><th>{{t.dashboard_redeems}}</th><td class="num">{{today.redeems}}</td><td class="num">{{month.redeems}}</td></tr>
        <tr><th>{{t.dashboard_pointsRedeemed}}</th><td class="num">{{today.pointsRedeemed}}</td><td class="num">{{month.pointsRedeemed}}</td></tr>
        <tr><th>{{t.dashboard_discountRedeemed}}</th><td class="num">{{today.discountRedeemed}}</td><td class="num">{{month.discountRedeemed}}</td></tr>
        <tr><th>{{t.dashboard_returns}}</th><td class="num">{{today.returns}}</td><td class="num">{{month.returns}}</td></tr>
        </tbody>
        </table>
        <h2>{{t.dashboard_owed}}</h2>
        <dl class="facts">
        <dt>{{t.dashboard_activeCards}}</dt><dd id="active-cards">{{activeCards}}</dd>
        <dt>{{t.dashboard_pointsOutstanding}}</dt><dd id="points-outstanding">{{pointsOutstanding}}</dd>
        <dt>{{t.dashboard_discountOutstanding}}</dt><dd id="discount-outstanding">{{discountOutstanding}}</dd>
        </dl>
        <h2>{{t.dashboard_quickFind}}</h2>
        <form method="get" action="/customers" class="search">
        <input name="q" aria-label="{{t.customers_search}}" placeholder="{{t.customers_search}}">
        <button type="submit">{{t.customers_search_submit}}</button>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let customers = """
        {{<layout}}
        {{$title}}{{t.customers_title}}{{/title}}
        {{$content}}
        <h1>{{t.customers_title}}</h1>
        <form method="get" action="/customers" class="search">
        <input id="q" name="q" value="{{query}}" aria-label="{{t.customers_search}}" placeholder="{{t.customers_search}}">
        <button type="submit" id="find">{{t.customers_search_submit}}</button>
        </form>
        {{#queryProblem}}<p class="error">{{.}}</p>{{/queryProblem}}
        {{#nobody}}<p id="nobody">{{.}}</p>{{/nobody}}
        {{#hasMatches}}
        <table id="matches">
        <thead><tr><th>{{t.customer_name}}</th><th>{{t.customer_cards}}</th><th>{{t.customer_points}}</th><th>{{t.customer_balance}}</th></tr></thead>
        <tbody>
        {{#matches}}
        <tr><td><a href="{{link}}">{{name}}</a></td><td>{{#cards}}<a href="/cards/{{number}}">{{number}}</a> ({{status}}) {{/cards}}</td><td class="num">{{points}}</td><td class="num">{{balance}}</td></tr>
        {{/matches}}
        </tbody>
        </table>
        {{/hasMatches}}
        <p><a class="button" href="/customers/new" id="register-link">{{t.customers_register}}</a></p>
        {{/content}}
        {{/layout}}
        """

    /// The fields shared by registering and editing; each message sits beside its field.
    static let customerForm = """
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$content}}
        <h1>{{heading}}</h1>
        {{#hasProblems}}<p class="error" id="form-problems">{{t.form_fix}}</p>{{/hasProblems}}
        <form method="post" action="{{action}}" class="card-form" id="customer-form" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#fields}}
        <label for="{{name}}">{{label}}</label>
        <input id="{{name}}" name="{{name}}" type="{{type}}" value="{{value}}"{{#problem}} aria-invalid="true" aria-describedby="{{name}}-problem"{{/problem}}>
        {{#problem}}<span class="field-error" id="{{name}}-problem">{{.}}</span>{{/problem}}
        {{/fields}}
        <fieldset><legend>{{t.customer_consents}}</legend>
        <label class="check"><input type="checkbox" name="consentMail" id="consentMail"{{#consentMail}} checked{{/consentMail}}> {{t.customer_consentMail}}</label>
        <label class="check"><input type="checkbox" name="consentProfiling" id="consentProfiling"{{#consentProfiling}} checked{{/consentProfiling}}> {{t.customer_consentProfiling}}</label>
        </fieldset>
        <button type="submit" id="save">{{t.customer_save}}</button>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let customer = """
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$content}}
        <h1 id="customer-name">{{heading}}</h1>
        <dl class="facts">
        <dt>{{t.customer_email}}</dt><dd>{{email}}</dd>
        <dt>{{t.customer_phone}}</dt><dd id="customer-phone">{{phone}}</dd>
        <dt>{{t.customer_address}}</dt><dd>{{address}} {{postcode}}</dd>
        <dt>{{t.customer_birthDate}}</dt><dd>{{birthDate}}</dd>
        <dt>{{t.customer_consents}}</dt><dd>{{consents}}</dd>
        </dl>
        <h2>{{t.customer_cards}}</h2>
        <ul id="cards">{{#cards}}<li><a href="/cards/{{number}}">{{number}}</a> ({{status}})</li>{{/cards}}</ul>
        <h2>{{t.customer_accounts}}</h2>
        <table><thead><tr><th>{{t.customer_points}}</th><th>{{t.customer_balance}}</th><th>{{t.customer_prepaid}}</th></tr></thead>
        <tbody>{{#accounts}}<tr><td class="num">{{points}}</td><td class="num">{{balance}}</td><td class="num">{{prepaid}}</td></tr>{{/accounts}}</tbody></table>
        <p><a class="button" href="/customers/{{id}}/edit" id="edit-link">{{t.customer_edit}}</a></p>
        {{#mayExport}}
        <form method="post" action="/customers/{{id}}/export">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" id="export">{{t.customer_export}}</button>
        </form>
        {{/mayExport}}
        {{#mayErase}}
        <p><a class="button danger" href="/customers/{{id}}/erase" id="erase-link">{{t.customer_erase}}</a></p>
        {{/mayErase}}
        {{/content}}
        {{/layout}}
        """

    static let erase = """
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$content}}
        <h1>{{heading}}</h1>
        <p class="warning" id="consequences">{{t.customer_erase_consequences}}</p>
        <form method="post" action="/customers/{{id}}/erase">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="danger" id="erase">{{t.customer_erase_confirm}}</button>
        <a class="button" href="/customers/{{id}}">{{t.customer_erase_cancel}}</a>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let card = """
        {{<layout}}
        {{$title}}{{heading}}{{/title}}
        {{$content}}
        <h1>{{heading}}</h1>
        <dl class="facts">
        <dt>{{t.card_status}}</dt><dd id="card-status">{{status}}</dd>
        <dt>{{t.customer_name}}</dt><dd>{{#customerLink}}<a href="{{.}}">{{customerName}}</a>{{/customerLink}}{{^customerLink}}{{customerName}}{{/customerLink}}</dd>
        <dt>{{t.customer_points}}</dt><dd id="card-points">{{points}}</dd>
        <dt>{{t.customer_balance}}</dt><dd id="card-balance">{{balance}}</dd>
        {{#prepaid}}<dt>{{t.customer_prepaid}}</dt><dd>{{.}}</dd>{{/prepaid}}
        <dt>{{t.card_member}}</dt><dd>{{member}}</dd>
        </dl>
        <div class="actions">
        {{#mayActivate}}
        <form method="post" action="/cards/{{number}}/activate">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" id="activate">{{t.card_activate}}</button>
        </form>
        {{/mayActivate}}
        {{#mayBlock}}
        <form method="post" action="/cards/{{number}}/block" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="block-reason">{{t.card_block_reason}}</label>
        <input id="block-reason" name="reason">
        <button type="submit" id="block">{{t.card_block}}</button>
        </form>
        {{/mayBlock}}
        {{#mayReplace}}
        <form method="post" action="/cards/{{number}}/replace" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="replace-reason">{{t.card_replace_reason}}</label>
        <select id="replace-reason" name="reason">
        <option value="lost">{{t.card_replace_reason_lost}}</option>
        <option value="stolen">{{t.card_replace_reason_stolen}}</option>
        <option value="worn">{{t.card_replace_reason_worn}}</option>
        <option value="defective">{{t.card_replace_reason_defective}}</option>
        <option value="misuse">{{t.card_replace_reason_misuse}}</option>
        </select>
        <label for="new-card">{{t.card_replace_newCard}}</label>
        <input id="new-card" name="newCard" inputmode="numeric" value="{{newCard}}"{{#newCardProblem}} aria-invalid="true"{{/newCardProblem}}>
        {{#newCardProblem}}<span class="field-error" id="newCard-problem">{{.}}</span>{{/newCardProblem}}
        <button type="submit" id="replace">{{t.card_replace}}</button>
        </form>
        {{/mayReplace}}
        {{#mayHousehold}}
        <form method="post" action="/cards/{{number}}/membership">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#isMember}}<input type="hidden" name="member" value="no"><button type="submit" id="membership">{{t.card_memberEnd}}</button>{{/isMember}}
        {{^isMember}}<input type="hidden" name="member" value="yes"><button type="submit" id="membership">{{t.card_memberStart}}</button>{{/isMember}}
        </form>
        <form method="post" action="/cards/{{number}}/pool" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="pool-into">{{t.card_pool_into}}</label>
        <input id="pool-into" name="into" inputmode="numeric" value="{{poolInto}}"{{#poolProblem}} aria-invalid="true"{{/poolProblem}}>
        {{#poolProblem}}<span class="field-error" id="pool-problem">{{.}}</span>{{/poolProblem}}
        <button type="submit" id="pool">{{t.card_pool}}</button>
        </form>
        <form method="post" action="/cards/{{number}}/split" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="split-points">{{t.card_split_points}}</label>
        <input id="split-points" name="points" inputmode="numeric" value="{{splitPoints}}"{{#splitProblem}} aria-invalid="true"{{/splitProblem}}>
        <label for="split-amount">{{t.card_split_amount}}</label>
        <input id="split-amount" name="amount" inputmode="decimal" value="{{splitAmount}}">
        {{#splitProblem}}<span class="field-error" id="split-problem">{{.}}</span>{{/splitProblem}}
        <button type="submit" id="split">{{t.card_split}}</button>
        </form>
        {{/mayHousehold}}
        </div>
        <h2>{{t.card_history}}</h2>
        {{^history}}<p>{{t.card_history_none}}</p>{{/history}}
        {{#hasHistory}}
        <table id="history"><thead><tr><th>{{t.card_history_when}}</th><th>{{t.card_history_what}}</th><th>{{t.card_history_points}}</th><th>{{t.card_history_amount}}</th></tr></thead>
        <tbody>{{#history}}<tr><td>{{when}}</td><td>{{what}}</td><td class="num">{{points}}</td><td class="num">{{amount}}</td></tr>{{/history}}</tbody></table>
        {{/hasHistory}}
        {{/content}}
        {{/layout}}
        """

    static let campaigns = """
        {{<layout}}
        {{$title}}{{t.campaigns_title}}{{/title}}
        {{$content}}
        <h1>{{t.campaigns_title}}</h1>
        <p>{{t.campaigns_intro}} ({{timeZone}}, {{t.program_version}} {{version}})</p>
        {{#problem}}<p class="error" id="campaign-problem">{{.}}</p>{{/problem}}
        {{^hasCampaigns}}<p id="no-campaigns">{{t.campaigns_none}}</p>{{/hasCampaigns}}
        {{#hasCampaigns}}
        <table id="campaigns">
        <thead><tr><th>{{t.campaigns_name}}</th><th>{{t.campaigns_from}}</th><th>{{t.campaigns_until}}</th><th>{{t.campaigns_what}}</th><th>{{t.campaigns_on}}</th><th>{{t.campaigns_state}}</th><th></th></tr></thead>
        <tbody>{{#campaigns}}<tr id="campaign-{{id}}"><td>{{name}} <small>({{id}})</small></td><td>{{from}}</td><td>{{until}}</td><td>{{what}}</td><td>{{on}}</td><td>{{state}}</td>
        <td>{{#cancellable}}<form method="post" action="/campaigns/{{id}}/cancel"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="cancel-{{id}}">{{t.campaigns_cancel}}</button></form>{{/cancellable}}</td></tr>{{/campaigns}}</tbody>
        </table>
        {{/hasCampaigns}}
        <h2>{{t.campaigns_add}}</h2>
        <form method="post" action="/campaigns" class="card-form" id="campaign-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="campaign-id">{{t.campaigns_id}}</label><input id="campaign-id" name="id" value="{{typed_id}}" required>
        <label for="campaign-name">{{t.campaigns_name}}</label><input id="campaign-name" name="name" value="{{typed_name}}" required>
        <label for="campaign-from">{{t.campaigns_from}}</label><input id="campaign-from" name="from" type="datetime-local" value="{{typed_from}}" required>
        <label for="campaign-until">{{t.campaigns_until}}</label><input id="campaign-until" name="until" type="datetime-local" value="{{typed_until}}" required>
        <label for="campaign-multiplier">{{t.campaigns_multiplier}}</label><input id="campaign-multiplier" name="multiplier" value="{{typed_multiplier}}" inputmode="decimal">
        <label for="campaign-bonus">{{t.campaigns_bonusPoints}}</label><input id="campaign-bonus" name="bonus" value="{{typed_bonus}}" inputmode="numeric">
        <label for="campaign-brands">{{t.campaigns_brands}}</label><input id="campaign-brands" name="brands" value="{{typed_brands}}">
        <label for="campaign-categories">{{t.campaigns_categories}}</label><input id="campaign-categories" name="categories" value="{{typed_categories}}">
        <label><input type="checkbox" id="campaign-members" name="members" value="yes"{{#typed_membersChecked}} checked{{/typed_membersChecked}}> {{t.campaigns_membersOnly}}</label>
        <button type="submit" id="add-campaign">{{t.campaigns_submit}}</button>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let draws = """
        {{<layout}}
        {{$title}}{{t.draws_title}}{{/title}}
        {{$content}}
        <h1>{{t.draws_title}}</h1>
        <p>{{t.draws_intro}}</p>
        {{#problem}}<p class="error" id="draw-problem">{{.}}</p>{{/problem}}
        {{^hasDraws}}<p id="no-draws">{{t.draws_none}}</p>{{/hasDraws}}
        {{#hasDraws}}
        <table id="draws">
        <thead><tr><th>{{t.draws_name}}</th><th>{{t.draws_from}}</th><th>{{t.draws_until}}</th><th>{{t.draws_per}}</th><th>{{t.draws_winners}}</th><th>{{t.draws_state}}</th><th>{{t.draws_seedHash}}</th><th></th></tr></thead>
        <tbody>{{#draws}}<tr id="draw-{{draw}}"><td><a href="/draws/{{draw}}">{{name}}</a> <small>({{draw}})</small></td><td>{{from}}</td><td>{{until}}</td><td class="num">{{per}}</td><td class="num">{{winners}}</td><td>{{state}}</td><td><code class="hash">{{seedHash}}</code></td>
        <td>{{#mayCommit}}<form method="post" action="/draws/{{draw}}/commit"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="commit-{{draw}}">{{t.draws_commit}}</button></form>{{/mayCommit}}{{#mayRun}}<form method="post" action="/draws/{{draw}}/run"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="run-{{draw}}">{{t.draws_run}}</button></form>{{/mayRun}}</td></tr>{{/draws}}</tbody>
        </table>
        {{/hasDraws}}
        <h2>{{t.draws_define}}</h2>
        <form method="post" action="/draws" class="card-form" id="draw-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="draw-code">{{t.draws_code}}</label><input id="draw-code" name="draw" value="{{typed_draw}}" required>
        <label for="draw-name">{{t.draws_name}}</label><input id="draw-name" name="name" value="{{typed_name}}" required>
        <label for="draw-from">{{t.draws_from}}</label><input id="draw-from" name="from" value="{{typed_from}}" placeholder="2027-03-01T00:00" required>
        <label for="draw-until">{{t.draws_until}}</label><input id="draw-until" name="until" value="{{typed_until}}" placeholder="2027-04-01T00:00" required>
        <label for="draw-per">{{t.draws_per}}</label><input id="draw-per" name="per" value="{{typed_per}}" inputmode="decimal" required>
        <label for="draw-winners">{{t.draws_winners}}</label><input id="draw-winners" name="winners" value="{{typed_winners}}" inputmode="numeric" required>
        <button type="submit" id="define-draw">{{t.draws_submit}}</button>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let draw = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        <h1>{{name}} <small>({{draw}})</small></h1>
        <dl id="draw-facts">
        <dt>{{t.draws_from}}</dt><dd>{{from}}</dd><dt>{{t.draws_until}}</dt><dd>{{until}}</dd>
        <dt>{{t.draws_per}}</dt><dd>{{per}}</dd><dt>{{t.draws_winners}}</dt><dd>{{winners}}</dd>
        <dt>{{t.draws_state}}</dt><dd id="draw-state">{{state}}</dd>
        {{#seedHash}}<dt>{{t.draws_seedHash}}</dt><dd><code id="seed-hash">{{.}}</code> {{committedAt}}</dd>{{/seedHash}}
        {{#seed}}<dt>{{t.draws_seed}}</dt><dd><code id="seed">{{.}}</code> {{drawnAt}}</dd>{{/seed}}
        </dl>
        {{#hasWinners}}<h2>{{t.draws_winningCards}}</h2>{{/hasWinners}}
        <ol id="winners">{{#winningCards}}<li>{{card}}</li>{{/winningCards}}</ol>
        <p><a href="/draws/{{draw}}.csv" id="report-csv">{{t.draws_csv}}</a> · {{t.draws_verify}}</p>
        {{^hasEntries}}<p>{{t.draws_noEntries}}</p>{{/hasEntries}}
        {{#hasEntries}}
        <table id="entries"><thead><tr><th>{{t.draws_card}}</th><th>{{t.draws_spent}}</th><th>{{t.draws_entries}}</th><th>{{t.draws_won}}</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{card}}</td><td class="num">{{spent}}</td><td class="num">{{entries}}</td><td class="num">{{won}}</td></tr>{{/entries}}</tbody></table>
        {{/hasEntries}}
        {{/content}}
        {{/layout}}
        """

    static let audit = """
        {{<layout}}
        {{$title}}{{t.audit_title}}{{/title}}
        {{$content}}
        <h1>{{t.audit_title}}</h1>
        {{^hasEntries}}<p>{{t.audit_none}}</p>{{/hasEntries}}
        {{#hasEntries}}
        <table id="audit">
        <thead><tr><th>{{t.audit_when}}</th><th>{{t.audit_user}}</th><th>{{t.audit_action}}</th><th>{{t.audit_subject}}</th><th>{{t.audit_detail}}</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{when}}</td><td>{{user}}</td><td>{{action}}</td><td>{{subject}}</td><td>{{detail}}</td></tr>{{/entries}}</tbody>
        </table>
        {{/hasEntries}}
        {{/content}}
        {{/layout}}
        """

    static let programs = """
        {{<layout}}
        {{$title}}{{t.program_title}}{{/title}}
        {{$content}}
        <h1>{{t.program_title}}</h1>
        <h2>{{t.program_rules}}</h2>
        <ul id="rules">{{#rules}}<li>{{.}}</li>{{/rules}}</ul>
        <h2>{{t.program_versions}}</h2>
        <table id="versions"><thead><tr><th>{{t.program_version}}</th><th>{{t.program_since}}</th></tr></thead>
        <tbody>{{#versions}}<tr><td class="num">{{version}}</td><td>{{when}}</td></tr>{{/versions}}</tbody></table>
        {{#mayUpload}}
        <h2>{{t.program_upload}}</h2>
        {{#hasProblems}}<p class="error" id="program-problems">{{t.program_problems}}</p>{{/hasProblems}}
        {{#unplaced}}<p class="field-error">{{.}}</p>{{/unplaced}}
        {{#hasProblems}}
        <table class="source" id="uploaded">
        <tbody>{{#lines}}<tr{{#problems}} class="bad"{{/problems}}><td class="num">{{number}}</td><td><code>{{text}}</code>{{#problems}}<div class="field-error line-problem">{{.}}</div>{{/problems}}</td></tr>{{/lines}}</tbody>
        </table>
        {{/hasProblems}}
        <form method="post" action="/programs" enctype="multipart/form-data" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="program-file">{{t.program_file}}</label>
        <input type="file" id="program-file" name="file" accept=".json,application/json">
        <button type="submit" id="upload">{{t.program_submit}}</button>
        </form>
        {{/mayUpload}}
        {{#mayUpload}}
        <h2>{{t.program_end_heading}}</h2>
        <p id="program-end">{{programEnd}}</p>
        {{^ended}}
        <form method="post" action="/programs/end" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="end-date">{{t.program_end_date}}</label>
        <input type="date" id="end-date" name="date" min="{{earliestEnd}}" required>
        <p class="hint">{{t.program_end_note}}</p>
        <button type="submit" id="announce-end">{{t.program_end_submit}}</button>
        </form>
        {{/ended}}
        {{/mayUpload}}
        {{/content}}
        {{/layout}}
        """

    /// Statistics: one view at a time (a dimension, a trend, the best customers), its chart
    /// drawn as SVG by the server, its table and its CSV.
    static let statistics = """
        {{<layout}}
        {{$title}}{{t.statistics_title}}{{/title}}
        {{$content}}
        <h1>{{t.statistics_title}}</h1>
        <p class="views" id="views">{{#views}}<a href="{{link}}" id="view-{{name}}"{{#current}} class="current" aria-current="page"{{/current}}>{{label}}</a> {{/views}}</p>
        {{#hasPeriod}}
        <form method="get" action="/statistics" class="card-form" id="period-form">
        <input type="hidden" name="view" value="{{view}}">
        <label for="period">{{t.statistics_period}}</label>
        <input id="period" name="period" value="{{period}}" placeholder="2026 / 2026-03" maxlength="7">
        <button type="submit" id="show-period">{{t.statistics_show}}</button>
        </form>
        {{/hasPeriod}}
        {{#problem}}<p class="error" id="statistics-problem">{{.}}</p>{{/problem}}
        <h2 id="view-title">{{viewLabel}}{{#hasPeriod}} {{period}}{{/hasPeriod}}</h2>
        <figure>{{{chart}}}</figure>
        <p class="note" id="statistics-note">{{note}}</p>
        <table id="figures">
        <thead><tr>{{#header}}<th>{{.}}</th>{{/header}}</tr></thead>
        <tbody>{{#rows}}<tr>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody>
        </table>
        <p><a class="button" href="{{csv}}" id="statistics-csv" download>{{t.statistics_csv}}</a></p>
        {{/content}}
        {{/layout}}
        """

    static let segments = """
        {{<layout}}
        {{$title}}{{t.segments_title}}{{/title}}
        {{$content}}
        <h1>{{t.segments_title}}</h1>
        <p>{{t.segments_consent}}</p>
        {{^hasSegments}}<p id="no-segments">{{t.segments_none}}</p>{{/hasSegments}}
        {{#hasSegments}}
        <table id="segments"><thead><tr><th>{{t.segments_field_name}}</th><th>{{t.segments_rule}}</th><th>{{t.segments_count}}</th></tr></thead>
        <tbody>{{#segments}}<tr><td><a href="/segments/{{id}}">{{name}}</a></td><td>{{rule}}</td><td class="num">{{count}}</td></tr>{{/segments}}</tbody></table>
        {{/hasSegments}}
        <h2>{{t.segments_new}}</h2>
        {{#problem}}<p class="error" id="segment-problem">{{.}}</p>{{/problem}}
        <form method="post" action="/segments" class="card-form" id="segment-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        {{#fields}}<label for="segment-{{name}}">{{label}}</label>
        <input id="segment-{{name}}" name="{{name}}" value="{{value}}">
        {{/fields}}
        <label><input type="checkbox" name="members" value="yes" id="segment-members"{{#members}} checked{{/members}}> {{t.segments_field_members}}</label>
        <button type="submit" id="save-segment">{{t.segments_save}}</button>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let segment = """
        {{<layout}}
        {{$title}}{{name}}{{/title}}
        {{$content}}
        <h1 id="segment-name">{{name}}</h1>
        <p id="segment-rule">{{rule}}</p>
        <p>{{t.segments_count}}: <strong id="segment-count">{{count}}</strong></p>
        <form method="post" action="/segments/{{id}}/csv"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="segment-csv">{{t.segment_csv}}</button></form>
        <table id="members"><thead><tr><th>#</th><th>{{t.segments_field_name}}</th><th>{{t.segment_email}}</th><th>{{t.segment_card}}</th></tr></thead>
        <tbody>{{#members}}<tr><td><a href="/customers/{{customer}}">{{customer}}</a></td><td>{{name}}</td><td>{{email}}</td><td>{{card}}</td></tr>{{/members}}</tbody></table>
        {{#more}}<p>{{t.segment_more}}</p>{{/more}}
        <h2>{{t.segment_mail}}</h2>
        <form method="post" action="/segments/{{id}}/mail" class="card-form" id="mail-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="mailingKey" value="{{mailingKey}}">
        <label for="mail-subject">{{t.segment_subject}}</label>
        <input id="mail-subject" name="subject" maxlength="200" required>
        <label for="mail-text">{{t.segment_text}}</label>
        <textarea id="mail-text" name="text" rows="8" required></textarea>
        <button type="submit" id="send-mail">{{t.segment_send}}</button>
        </form>
        {{/content}}
        {{/layout}}
        """

    static let exports = """
        {{<layout}}
        {{$title}}{{t.exports_title}}{{/title}}
        {{$content}}
        <h1>{{t.exports_title}}</h1>
        <p class="warning">{{t.exports_warning}}</p>
        <div class="actions">
        <form method="post" action="/exports/cards"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="export-cards">{{t.exports_cards}}</button></form>
        <form method="post" action="/exports/customers"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="export-customers">{{t.exports_customers}}</button></form>
        <form method="post" action="/exports/ledger"><input type="hidden" name="_csrf" value="{{csrf}}"><button type="submit" id="export-ledger">{{t.exports_ledger}}</button></form>
        </div>
        {{/content}}
        {{/layout}}
        """

    /// Card batches: order one (with the design's preview), see each batch's progress (the page
    /// reloads itself while one prints), resume a stopped one, reprint one card.
    static let batches = """
        {{<layout}}
        {{$title}}{{t.batches_title}}{{/title}}
        {{$content}}
        <h1>{{t.batches_title}}</h1>
        {{#notice}}<p class="notice" id="notice">{{.}}</p>{{/notice}}
        <h2>{{t.batches_order}}</h2>
        {{^designs}}<p class="warning" id="no-designs">{{t.batches_noDesigns}}</p>{{/designs}}
        {{#hasDesigns}}
        <form method="get" action="/batches" class="card-form" id="preview-form">
        <label for="preview-design">{{t.batches_design}}</label>
        <select id="preview-design" name="design">{{#designs}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/designs}}</select>
        <button type="submit" id="show-preview">{{t.batches_showPreview}}</button>
        </form>
        {{#previewDesign}}<p><img src="/batches/preview/{{.}}.png" alt="{{t.batches_previewOf}} {{.}}" id="design-preview" class="preview"></p>{{/previewDesign}}
        {{#orderProblem}}<p class="error" id="order-problem">{{.}}</p>{{/orderProblem}}
        <form method="post" action="/batches" class="card-form" id="order-form" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="design">{{t.batches_design}}</label>
        <select id="design" name="design">{{#designs}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/designs}}</select>
        <label for="count">{{t.batches_count}}</label>
        <input id="count" name="count" type="number" min="1" max="50000" value="{{count}}"{{#countProblem}} aria-invalid="true" aria-describedby="count-problem"{{/countProblem}}>
        {{#countProblem}}<span class="field-error" id="count-problem">{{.}}</span>{{/countProblem}}
        <label for="printer">{{t.batches_printer}}</label>
        <input id="printer" name="printer" type="text" value="{{printer}}"{{#printerProblem}} aria-invalid="true" aria-describedby="printer-problem"{{/printerProblem}}>
        {{#printerProblem}}<span class="field-error" id="printer-problem">{{.}}</span>{{/printerProblem}}
        <button type="submit" id="order">{{t.batches_orderButton}}</button>
        </form>
        {{/hasDesigns}}
        <h2>{{t.batches_list}}</h2>
        {{^batches}}<p id="no-batches">{{t.batches_none}}</p>{{/batches}}
        {{#hasBatches}}
        <table id="batches">
        <thead><tr><th>{{t.batches_number}}</th><th>{{t.batches_design}}</th><th>{{t.batches_cards}}</th><th>{{t.batches_progress}}</th><th></th></tr></thead>
        <tbody>
        {{#batches}}
        <tr id="batch-{{id}}"><td>{{id}}</td><td>{{design}}</td><td>{{range}}</td>
        <td><progress max="{{count}}" value="{{printed}}"></progress> <span class="progress-text">{{progressText}}</span>{{#problem}}<br><span class="field-error problem">{{.}}</span>{{/problem}}</td>
        <td>{{#stopped}}<form method="post" action="/batches/{{id}}/resume"><input type="hidden" name="_csrf" value="{{csrf}}"><input name="printer" type="text" value="{{printer}}" aria-label="{{t.batches_printer}}"><button type="submit" class="resume">{{t.batches_resume}}</button></form>{{/stopped}}</td></tr>
        {{/batches}}
        </tbody>
        </table>
        {{/hasBatches}}
        {{#hasDesigns}}
        <h2>{{t.batches_reprint}}</h2>
        <p>{{t.batches_reprintHelp}}</p>
        {{#reprintProblem}}<p class="error" id="reprint-problem">{{.}}</p>{{/reprintProblem}}
        <form method="post" action="/batches/reprint" class="card-form" id="reprint-form" novalidate>
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <label for="reprint-card">{{t.batches_card}}</label>
        <input id="reprint-card" name="card" type="text" inputmode="numeric" value="{{reprintCard}}">
        <label for="reprint-design">{{t.batches_design}}</label>
        <select id="reprint-design" name="design">{{#designs}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/designs}}</select>
        <label for="reprint-printer">{{t.batches_printer}}</label>
        <input id="reprint-printer" name="printer" type="text" value="{{printer}}">
        <button type="submit" id="reprint">{{t.batches_reprintButton}}</button>
        </form>
        {{/hasDesigns}}
        {{/content}}
        {{/layout}}
        """

    static let error = """
        {{<layout}}
        {{$title}}{{t.error_title}}{{/title}}
        {{$content}}
        <h1>{{t.error_title}}</h1>
        <p class="error" id="error-message">{{message}}</p>
        <p><a href="/">{{t.error_back}}</a></p>
        {{/content}}
        {{/layout}}
        """

    /// One stylesheet, served from /static: the CSP allows no inline style. Phone first; a
    /// wider screen gets the tables and forms side by side.
    /// The browser till: usable without script (the card typed or scanned into the field, the
    /// forms posted); with script and a paired browser bridge, the till PC's scanner brings the
    /// card without the page having focus, and the receipt prints through the gateway.
    static let till = """
        {{<layout}}
        {{$title}}{{t.till_title}}{{/title}}
        {{$content}}
        <h1>{{t.till_title}}</h1>
        <div id="till" data-bridge="{{bridge}}" data-printer="{{printer}}">
        <form method="get" action="/till" class="card-form">
        <label for="till-card">{{t.till_card}}</label>
        <input id="till-card" name="card" inputmode="numeric" autocomplete="off" value="{{cardTyped}}" autofocus>
        <button type="submit" id="till-find">{{t.till_find}}</button>
        </form>
        {{#said}}<p class="{{kind}}" id="till-said" role="status">{{text}}</p>{{/said}}
        {{^card}}<p>{{t.till_noCard}}</p>{{/card}}
        {{#card}}
        <dl class="facts">
        <dt>{{t.card_status}}</dt><dd id="till-status">{{status}}</dd>
        <dt>{{t.customer_name}}</dt><dd id="till-customer">{{customerName}}</dd>
        <dt>{{t.customer_points}}</dt><dd id="till-points">{{points}}</dd>
        <dt>{{t.customer_balance}}</dt><dd id="till-balance">{{balance}}</dd>
        {{#prepaid}}<dt>{{t.customer_prepaid}}</dt><dd>{{.}}</dd>{{/prepaid}}
        </dl>
        <form method="post" action="/till/earn" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="card" value="{{number}}">
        <input type="hidden" name="receipt" value="{{receipt}}">
        <label for="till-amount">{{t.till_amount}}</label>
        <input id="till-amount" name="amount" inputmode="decimal" value="{{amount}}"{{#amountProblem}} aria-invalid="true" aria-describedby="till-amount-problem"{{/amountProblem}}>
        {{#amountProblem}}<p class="error" id="till-amount-problem">{{.}}</p>{{/amountProblem}}
        <button type="submit" id="till-earn">{{t.till_earn}}</button>
        </form>
        <form method="post" action="/till/redeem" class="card-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="card" value="{{number}}">
        <input type="hidden" name="receipt" value="{{redeemReceipt}}">
        <label for="till-redeem-points">{{t.till_redeem_points}}</label>
        <input id="till-redeem-points" name="points" inputmode="numeric">
        <label for="till-redeem-amount">{{t.till_redeem_amount}}</label>
        <input id="till-redeem-amount" name="discount" inputmode="decimal">
        <label for="till-purchase-total">{{t.till_purchaseTotal}}</label>
        <input id="till-purchase-total" name="purchaseTotal" inputmode="decimal">
        <button type="submit" id="till-redeem">{{t.till_redeem}}</button>
        </form>
        {{/card}}
        {{#sale}}<div id="till-sale" hidden data-card="{{card}}" data-receipt="{{receipt}}" data-amount="{{amount}}" data-currency="{{currency}}" data-language="{{lang}}" data-print-label="{{t.till_print}}" data-printed="{{t.till_printed}}"></div>{{/sale}}
        <section id="till-scanner" hidden>
        <h2>{{t.till_scanner}}</h2>
        <p id="till-scanner-status">{{t.till_scanner_off}}</p>
        <form id="till-pair" hidden>
        <label for="till-pair-code">{{t.till_scanner_pair}}</label>
        <input id="till-pair-code" inputmode="numeric" autocomplete="off">
        <button type="submit" id="till-pair-button">{{t.till_scanner_pairButton}}</button>
        </form>
        <p id="till-print-status" role="status"></p>
        </section>
        </div>
        <script type="module" src="/static/till.js"></script>
        {{/content}}
        {{/layout}}
        """

    static let rewards = """
        {{<layout}}
        {{$title}}{{t.rewards_title}}{{/title}}
        {{$content}}
        <h1>{{t.rewards_title}}</h1>
        {{^hasRewards}}<p>{{t.rewards_none}}</p>{{/hasRewards}}
        {{#hasRewards}}
        <table id="rewards"><thead><tr><th>{{t.rewards_name}}</th><th>{{t.rewards_points}}</th></tr></thead>
        <tbody>{{#rewards}}<tr><td>{{name}}</td><td class="num">{{points}}</td></tr>{{/rewards}}</tbody></table>
        {{/hasRewards}}
        <p><a href="/rewards/board?size=a4" id="board-a4">{{t.rewards_board_a4}}</a> · <a href="/rewards/board?size=a3" id="board-a3">{{t.rewards_board_a3}}</a></p>
        {{#mayEdit}}
        <h2>{{t.rewards_edit}}</h2>
        <form method="post" action="/rewards" class="card-form" id="rewards-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <table><thead><tr><th>{{t.rewards_sku}}</th><th>{{t.rewards_name}}</th><th>{{t.rewards_points}}</th></tr></thead>
        <tbody>{{#rows}}<tr>
        <td><input name="sku_{{index}}" id="sku-{{index}}" value="{{sku}}" aria-label="{{t.rewards_sku}}"></td>
        <td><input name="name_{{index}}" id="name-{{index}}" value="{{name}}" aria-label="{{t.rewards_name}}"></td>
        <td><input name="points_{{index}}" id="points-{{index}}" value="{{points}}" inputmode="numeric" aria-label="{{t.rewards_points}}"{{#problem}} aria-invalid="true"{{/problem}}>
        {{#problem}}<span class="field-error" id="reward-problem-{{index}}">{{.}}</span>{{/problem}}</td>
        </tr>{{/rows}}</tbody></table>
        <p>{{t.rewards_hint}}</p>
        <button type="submit" id="rewards-save">{{t.rewards_save}}</button>
        </form>
        {{/mayEdit}}
        {{/content}}
        {{/layout}}
        """

    /// The board for the shop window: its own page, sized for the paper by its stylesheet.
    static let board = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <title>{{shop}}: {{t.rewards_title}}</title>
        <link rel="stylesheet" href="/static/board-{{size}}.css" id="board-style">
        </head>
        <body>
        <h1 id="board-shop">{{shop}}</h1>
        <h2>{{t.rewards_boardHeading}}</h2>
        <ul id="board">{{#rewards}}<li><span class="name">{{name}}</span> <span class="points">{{points}} {{t.rewards_pointsUnit}}</span></li>{{/rewards}}</ul>
        </body>
        </html>
        """

    /// The board's paper: A4 or A3 portrait, margins a window frame leaves free, letters sized
    /// to the sheet (A3 is √2 times A4).
    static func boardStylesheet(_ size: String) -> String {
        let scale = size == "a3" ? 1.414 : 1.0
        func pt(_ value: Double) -> String { String(format: "%.0fpt", value * scale) }
        return """
            @page { size: \(size == "a3" ? "A3" : "A4") portrait; margin: 15mm; }
            body { font-family: "DejaVu Sans", sans-serif; color: #14213d; margin: 0; }
            h1 { font-size: \(pt(40)); margin: 0 0 \(pt(8)); }
            h2 { font-size: \(pt(24)); font-weight: normal; margin: 0 0 \(pt(18)); }
            ul { list-style: none; padding: 0; margin: 0; }
            li { display: flex; justify-content: space-between; font-size: \(pt(22)); padding: \(pt(8)) 0; border-bottom: 1px solid #999; }
            .points { font-weight: bold; white-space: nowrap; margin-left: \(pt(12)); }
            """
    }

    static let stylesheet = """
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1d2733;background:#f5f6f8}
        header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#1f4e79;color:#fff}
        header a{color:#fff}
        .brand{font-weight:700}
        img.preview{max-width:100%;height:auto;border:1px solid #ccc}
        progress{width:8rem}
        nav{display:flex;gap:1rem;flex:1}
        .logout{display:flex;gap:.5rem;align-items:center}
        .who{font-size:.9rem}
        main{max-width:60rem;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem}
        .card-form{display:grid;gap:.35rem;max-width:28rem;margin:1rem 0}
        input,select,button,.button{font:inherit;padding:.45rem .6rem;border:1px solid #8a97a6;border-radius:4px}
        button,.button{background:#1f4e79;color:#fff;border-color:#1f4e79;cursor:pointer;text-decoration:none;display:inline-block}
        .danger{background:#a4262c;border-color:#a4262c;color:#fff}
        .field-error,.error{color:#a4262c}
        .field-error{font-size:.9rem}
        [aria-invalid=true]{border-color:#a4262c;outline:1px solid #a4262c}
        .notice{background:#e3f1e3;border-left:4px solid #2e7d32;padding:.5rem .8rem}
        .warning{background:#fff4e5;border-left:4px solid #b26a00;padding:.5rem .8rem}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
        .facts dt{font-weight:600}
        .facts dd{margin:0}
        table{border-collapse:collapse;width:100%;margin:.5rem 0;background:#fff}
        th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde2e8}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        .search{display:flex;gap:.5rem;flex-wrap:wrap}
        .search input{flex:1;min-width:12rem}
        fieldset{border:1px solid #c4ccd6;border-radius:4px}
        .check{display:block}
        .actions{display:grid;gap:1rem;align-items:start}
        .source td{padding:.05rem .5rem;border:0;vertical-align:top}
        .source code{white-space:pre-wrap}
        .source .bad{background:#fdecea}
        @media (min-width:48rem){.actions{grid-template-columns:repeat(auto-fit,minmax(16rem,1fr))}}
        """
}
