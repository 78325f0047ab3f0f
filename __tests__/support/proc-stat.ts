/** A /proc/<pid>/stat line as Linux writes it, with the fields that are read set (the process group is the pid). */
export function statLine(
  pid: number,
  comm: string,
  ppid: number,
  rssPages: number,
  cutime = 0,
  cstime = 0,
  utime = 0,
  stime = 0,
  pgrp = pid,
): string {
  // Fields 3 (state) to 52; 1-based field n is at index n - 3.
  const fields: (string | number)[] = Array.from({ length: 50 }, () => 0);
  fields[0] = 'S';
  fields[4 - 3] = ppid;
  fields[5 - 3] = pgrp;
  fields[14 - 3] = utime;
  fields[15 - 3] = stime;
  fields[16 - 3] = cutime;
  fields[17 - 3] = cstime;
  fields[24 - 3] = rssPages;
  return `${pid} (${comm}) ${fields.join(' ')}\n`;
}
